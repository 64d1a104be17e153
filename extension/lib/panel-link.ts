/**
 * How the side panel and the background talk about the panel itself: the
 * panel holds a port named `qrp:panel` while it is open (its disconnect means
 * closed), and a click on a notification leaves a flag in session storage
 * that the panel reads to open « Historique ».
 */
export const PANEL_PORT_NAME = 'qrp:panel';

export const OPEN_HISTORY_FLAG = 'qrp.openHistory';
