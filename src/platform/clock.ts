/** Time is passed to use cases so that tests can fix it (expiry, 24-hour undo…). */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
