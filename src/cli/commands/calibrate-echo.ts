/**
 * The far end of `task-advisor calibrate --runtime node`, run both as a worker thread and as a forked child: it
 * says it is ready, then answers every message with null, so a round trip times the transport and nothing else.
 */
import { parentPort } from 'node:worker_threads';

if (parentPort) {
  const port = parentPort;
  port.on('message', () => port.postMessage(null));
  port.postMessage('ready');
} else if (process.send) {
  const send = process.send.bind(process);
  process.on('message', () => send(null));
  send('ready');
}
