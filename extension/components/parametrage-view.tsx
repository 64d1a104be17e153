import type { MemberSnapshot } from '../../shared/events.js';
import { AddSecondaryForm } from './add-secondary-form.js';
import { AddSiretForm } from './add-siret-form.js';
import { CessionSection } from './cession-section.js';
import { ReceivedCessions } from './received-cessions.js';
import { SecondariesTable } from './secondaries-table.js';
import { SiretList } from './siret-list.js';

export interface ParametrageViewProps {
  state: MemberSnapshot;
}

/** The principal's "Paramétrage" tab: the seed guide's three parts. */
export function ParametrageView({ state }: ParametrageViewProps) {
  return (
    <div class="parametrage">
      <p class="lead">
        Dans l'onglet paramétrage, l'utilisateur principal peut céder les SIRETs, organiser la
        gestion des SIRETs et gérer les utilisateurs secondaires.
      </p>
      <ReceivedCessions cessions={state.receivedCessions} />
      <CessionSection />
      <section aria-labelledby="sirets-title" class="section parametrage-part">
        <h2 id="sirets-title">Gestion des SIRETs</h2>
        <AddSiretForm />
        <SiretList state={state} />
      </section>
      <section aria-labelledby="secondaries-part-title" class="section parametrage-part">
        <h2 id="secondaries-part-title">Gestion des utilisateurs secondaires</h2>
        <AddSecondaryForm />
        <SecondariesTable state={state} />
      </section>
    </div>
  );
}
