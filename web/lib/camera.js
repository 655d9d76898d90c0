// camera.js: getUserMedia with messages a person can act on.

/** The message to show for a getUserMedia failure. */
export function describeMediaError(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera permission was denied. Allow camera access for this page in the browser\'s site settings, then reload.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a camera, then reload.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: another application may be using it.';
    default:
      return `The camera could not be started: ${err?.message ?? err}`;
  }
}

/**
 * Open the camera (and the microphone when audio is true). Throws an Error whose message
 * says what to do; err.cause is the original DOMException.
 */
export async function openCamera({ width = 640, height = 480, audio = false } = {}) {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new Error('This page cannot use a camera: open it over https or on localhost, in a browser with getUserMedia.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: width }, height: { ideal: height } },
      audio,
    });
  } catch (err) {
    throw new Error(describeMediaError(err), { cause: err });
  }
}
