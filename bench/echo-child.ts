/** A forked child that answers each IPC message at once: bare child-process IPC, beside the pools'. */
process.on('message', (message) => process.send?.(message));
