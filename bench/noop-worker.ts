/** The least a piscina task can be: bare piscina's dispatch cost, beside the pools'. */
export default function noop(task: unknown): unknown {
  return task;
}
