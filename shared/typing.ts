/**
 * The typing indicator's timings, one set for both sides (the widget and the inbox send and show
 * it the same way; the relay only forwards it and stores nothing).
 */
export const typingTimings = {
  /** A typing indicator disappears on its own this long after the last "typing" heard, if "stopped" never comes. */
  shownMs: 5_000,
  /** While someone keeps typing, "typing" is sent again at most this often (it must stay below shownMs). */
  resendMs: 3_000,
  /** Typing stops ("stopped" is sent) after this long without a keystroke. */
  idleMs: 2_500,
} as const;
