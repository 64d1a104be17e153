/** The notifications' icon (Chrome requires one): the portal's blue disc, 48 px, as a data URL. */
export const NOTIFICATION_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAYAAABXAvmHAAAAk0lEQVR42u3ayxGAMAwD0XRCR3RIrUsLfEwiCx32mpl3S+yMbT9G56oP5GJSAF62DEBx0wB83GcAJlcKYFElABb3CoBIjwCIdQuAaP8AIJ43gCZ5AmhWAFIAmhZAAAEEEEAAHoDchQIoAORFpgDIVEIBkMmcAqD9cNdivG6x4LBYMVks+SzWrDaLbpuvBjafPZZ2Akiu1GLLiTwBAAAAAElFTkSuQmCC';
