// fileshare/events.js: the two event helpers both ends use: CustomEvents out, a channel's
// events in.

export function emit(target, type, detail) {
  target.dispatchEvent(new CustomEvent(type, { detail }));
}

/** Listen to a channel; returns the function that stops listening. */
export function listen(channel, handlers) {
  for (const [type, fn] of Object.entries(handlers)) channel.addEventListener(type, fn);
  return () => {
    for (const [type, fn] of Object.entries(handlers)) channel.removeEventListener(type, fn);
  };
}
