/**
 * The French message of a request that fails its schema. The schemas' own
 * messages (shared/schemas.ts, field-checks.ts) are kept; every issue they do
 * not word (a number out of range in a query, a wrong type, an unknown field)
 * gets a sentence here instead of zod's English ("Too big: expected number to
 * be <=100"). zod's French locale was not used: its wording reads as a
 * translation ("Trop grand : nombre doit être <=100"), names no field and
 * shows regular expressions.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

/**
 * Every field of the request schemas, as a sentence names it. A field missing
 * here is still named, as « field »; the test of the messages lists the
 * schemas' fields and fails on one left out.
 */
export const FIELD_LABELS: Record<string, string> = {
  email: "l'adresse e-mail",
  password: 'le mot de passe',
  siret: 'le SIRET',
  sirets: 'la liste des SIRETs',
  unlockCode: 'le code de déblocage',
  assignToAllSecondaries: 'le choix « Ajouter ce SIRET à tous les utilisateurs secondaires »',
  page: 'le numéro de page',
  pageSize: 'le nombre de lignes par page',
  q: 'la recherche',
  status: 'le statut',
  limit: 'le nombre de résultats',
  reference: 'la référence',
  kind: 'le type de dossier',
  openedAt: "la date d'ouverture",
  id: "l'identifiant",
  token: "le lien d'invitation",
  before: 'le curseur de page',
  type: 'le type de changement',
  from: 'la date de début',
  to: 'la date de fin',
  reason: 'le motif',
  confirmPartial: 'la confirmation de ce qui ne peut pas revenir',
  userId: "l'utilisateur",
  changes: 'les modifications',
  base: 'les SIRETs affichés avant la modification',
  dryRun: 'le choix « vérifier sans importer »',
};

/** What a value of each type is called after « doit être ». */
const TYPE_NAMES: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'vrai ou faux',
  array: 'un tableau JSON',
  object: 'un objet JSON',
  date: 'une date',
};

/** A client's own key, quoted back only when it is a plain name (nothing to inject into a page). */
const PLAIN_KEY = /^[A-Za-z0-9_.-]{1,40}$/;

/** zod's error map: a French sentence for each issue, first letter capitalised. */
export function frenchIssueMessage(issue: Issue): string {
  const path = (issue.path ?? []) as readonly PropertyKey[];
  const label = labelOf(path);
  return capitalise(describe(issue, label, path.length === 0));
}

function describe(issue: Issue, field: string, isRoot: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (isRoot) return 'le contenu de la requête doit être un objet JSON.';
      if (issue.input === undefined) return `${field} est obligatoire.`;
      const expected = TYPE_NAMES[issue.expected];
      return expected ? `${field} doit être ${expected}.` : `${field} n'a pas le type attendu.`;
    }
    case 'too_big':
      return tooBig(field, issue.origin, Number(issue.maximum), issue.inclusive ?? true);
    case 'too_small':
      return tooSmall(field, issue.origin, Number(issue.minimum), issue.inclusive ?? true);
    case 'invalid_format':
      if (issue.format === 'email') return `${field} n'est pas une adresse e-mail valide.`;
      return `${field} n'a pas le format attendu.`;
    case 'not_multiple_of':
      return `${field} doit être un multiple de ${String(issue.divisor)}.`;
    case 'invalid_value':
      if (issue.input === undefined) return `${field} est obligatoire.`;
      return `${field} doit être l'une de ces valeurs : ${issue.values
        .map((value) => `« ${String(value)} »`)
        .join(', ')}.`;
    case 'unrecognized_keys':
      return unknownFields(issue.keys);
    default:
      return isRoot
        ? 'les informations saisies ne sont pas valides.'
        : `${field} n'est pas valide.`;
  }
}

function tooBig(field: string, origin: string, maximum: number, inclusive: boolean): string {
  if (origin === 'string') return `${field} ne peut pas dépasser ${maximum} caractères.`;
  if (origin === 'array' || origin === 'set') {
    return `${field} ne peut pas compter plus de ${maximum} éléments.`;
  }
  // Beyond the safe integers: zod's bound there (2^53 - 1) would mean nothing to a person.
  if (origin === 'int') return `${field} est un nombre trop grand.`;
  if (origin === 'number' || origin === 'bigint') {
    return inclusive
      ? `${field} ne peut pas dépasser ${maximum}.`
      : `${field} doit rester en dessous de ${maximum}.`;
  }
  return `${field} dépasse la limite permise.`;
}

function tooSmall(field: string, origin: string, minimum: number, inclusive: boolean): string {
  if (origin === 'string') {
    return minimum <= 1
      ? `${field} est obligatoire.`
      : `${field} doit compter au moins ${minimum} caractères.`;
  }
  if (origin === 'array' || origin === 'set') {
    return minimum <= 1
      ? `${field} ne peut pas être vide.`
      : `${field} doit compter au moins ${minimum} éléments.`;
  }
  if (origin === 'int') return `${field} est un nombre trop petit.`;
  if (origin === 'number' || origin === 'bigint') {
    return inclusive
      ? `${field} doit valoir au moins ${minimum}.`
      : `${field} doit être plus grand que ${minimum}.`;
  }
  return `${field} est en dessous de la limite permise.`;
}

function unknownFields(keys: readonly string[]): string {
  const shown = keys.filter((key) => PLAIN_KEY.test(key)).slice(0, 3);
  if (shown.length === 0) return 'la requête contient un champ non prévu.';
  const names = shown.map((key) => `« ${key} »`).join(', ');
  return shown.length === 1 ? `champ non prévu : ${names}.` : `champs non prévus : ${names}.`;
}

/** `sirets.2` reads « l'élément n° 3 de la liste des SIRETs ». */
function labelOf(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  if (typeof last === 'number') {
    return `l'élément n° ${last + 1} de ${labelOf(path.slice(0, -1))}`;
  }
  if (last === undefined) return 'les informations saisies';
  const name = String(last);
  if (Object.hasOwn(FIELD_LABELS, name)) return FIELD_LABELS[name]!;
  return PLAIN_KEY.test(name) ? `le champ « ${name} »` : 'un champ';
}

function capitalise(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
