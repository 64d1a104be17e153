/**
 * The service's name over every screen, in the portal's colours, so that the
 * panel reads as part of Questionnaires Risques Professionnels.
 */
export const SERVICE_NAME = 'Questionnaires Risques Professionnels';

export function ServiceName() {
  return <p class="service-name">{SERVICE_NAME}</p>;
}
