/**
 * The checks of the invitation page's password form, in French, on both
 * sides. The form has `novalidate`: the browser's own popups speak the
 * browser's language ("Please lengthen this text…"). With scripts on, the
 * small script below checks on submit and writes the messages next to the
 * fields; with scripts off, the server's answer carries the same messages.
 */
import { createHash } from 'node:crypto';
import {
  FIELD_MESSAGES,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
} from '../../../shared/field-checks.js';

export const PASSWORD_MISMATCH = 'Les deux mots de passe ne sont pas identiques.';

export interface PasswordFormProblems {
  password?: string;
  confirmation?: string;
}

/** What is wrong with the form, field by field; empty when nothing is. */
export function passwordFormProblems(password: string, confirmation: string): PasswordFormProblems {
  const problems: PasswordFormProblems = {};
  const passwordIssue =
    password === '' ? FIELD_MESSAGES.passwordRequired : passwordProblem(password);
  if (passwordIssue) problems.password = passwordIssue;
  if (confirmation !== password) problems.confirmation = PASSWORD_MISMATCH;
  return problems;
}

const RULES = {
  min: MIN_PASSWORD_LENGTH,
  max: MAX_PASSWORD_LENGTH,
  required: FIELD_MESSAGES.passwordRequired,
  tooShort: FIELD_MESSAGES.passwordTooShort,
  tooLong: FIELD_MESSAGES.passwordTooLong,
  mismatch: PASSWORD_MISMATCH,
};

/** The same checks as `passwordFormProblems`, in the page. Plain script: no build step, no module. */
export const PASSWORD_FORM_SCRIPT = `(function () {
  var rules = ${JSON.stringify(RULES).replace(/</g, '\\u003c')};
  var form = document.getElementById('password-form');
  if (!form) return;
  var names = ['password', 'confirmation'];
  function problems() {
    var password = form.elements.password.value;
    var confirmation = form.elements.confirmation.value;
    var found = {};
    if (password === '') found.password = rules.required;
    else if (password.length < rules.min) found.password = rules.tooShort;
    else if (password.length > rules.max) found.password = rules.tooLong;
    if (confirmation !== password) found.confirmation = rules.mismatch;
    return found;
  }
  function show(name, message) {
    var input = form.elements[name];
    var error = document.getElementById(name + '-error');
    error.textContent = message || '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  form.addEventListener('submit', function (event) {
    var found = problems();
    names.forEach(function (name) { show(name, found[name]); });
    var first = names.filter(function (name) { return found[name]; })[0];
    if (first) {
      event.preventDefault();
      form.elements[first].focus();
    }
  });
  form.addEventListener('input', function () {
    // Messages already shown follow the typing; none appears before a submit.
    var found = problems();
    names.forEach(function (name) {
      if (!document.getElementById(name + '-error').hidden) show(name, found[name]);
    });
  });
})();`;

/** For the page's Content-Security-Policy: this script and no other may run. */
export const PASSWORD_FORM_SCRIPT_HASH = `'sha256-${createHash('sha256').update(PASSWORD_FORM_SCRIPT).digest('base64')}'`;
