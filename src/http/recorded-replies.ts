import type { CompareResult, JobResult, PoolsReply } from '../jobs/schema.js';

/**
 * Replies of the routes that measure, recorded from a real server (the compiled build with its pools
 * started, on 2 cores shared with other work) for the request examples the document shows; Swagger UI
 * shows them as example replies. Measured figures differ from run to run: these are one run's, as the
 * server sent them. A test holds each to its reply schema, so none can fall out of shape.
 */
export const RECORDED_JOB_REPLY: JobResult = {
  "pool": "threads",
  "workers": 2,
  "threadsPerProcess": 1,
  "chunkSize": 1,
  "tasks": 16,
  "wallMs": 842.9307160000008,
  "startupMs": 0,
  "cpuMs": 321.404,
  "speedup": 1.3750326248640325,
  "efficiency": 0.6875163124320163,
  "taskMs": {
    "p50": 71.25754799999959,
    "p95": 262.09145700000045,
    "max": 262.09145700000045
  },
  "baselineMs": 1159.0572349999993,
  "baselineMeasured": true,
  "gilEmulated": false,
  "notes": [
    "The speed-up is against a sequential run of the same sample, measured in this request."
  ]
};

export const RECORDED_COMPARE_REPLY: CompareResult = {
  "sample": {
    "tasks": 16,
    "cpuMsPerTask": 50,
    "waitMsPerTask": 0,
    "payloadBytesPerTask": 0,
    "gilReleasedShare": 0,
    "gil": false
  },
  "cores": 2,
  "rows": [
    {
      "model": "sequential",
      "processes": 1,
      "threadsPerProcess": 1,
      "chunkSize": 1,
      "predictedWallMs": 800,
      "predictedSpeedup": 1,
      "measuredWallMs": 1453.2267620000002,
      "measuredSpeedup": 1,
      "predictionError": -0.44950091691196103
    },
    {
      "model": "async",
      "processes": 1,
      "threadsPerProcess": 1,
      "chunkSize": 1,
      "predictedWallMs": 800.08,
      "predictedSpeedup": 0.9999000099990001,
      "measuredWallMs": 1612.5787889999992,
      "measuredSpeedup": 0.9011818659112978,
      "predictionError": -0.5038505991411745
    },
    {
      "model": "threads",
      "processes": 1,
      "threadsPerProcess": 2,
      "chunkSize": 1,
      "predictedWallMs": 400.52,
      "predictedSpeedup": 1.997403375611705,
      "measuredWallMs": 721.2351610000005,
      "measuredSpeedup": 2.0149139151578317,
      "predictionError": -0.4446748832313242
    },
    {
      "model": "processes",
      "processes": 2,
      "threadsPerProcess": 1,
      "chunkSize": 1,
      "predictedWallMs": 401.216,
      "predictedSpeedup": 1.9939384271813685,
      "measuredWallMs": 1013.9988020000001,
      "measuredSpeedup": 1.433164180405018,
      "predictionError": -0.6043230039240224
    },
    {
      "model": "hybrid",
      "processes": 1,
      "threadsPerProcess": 2,
      "chunkSize": 4,
      "predictedWallMs": 401.136,
      "predictedSpeedup": 1.9943360855171313,
      "measuredWallMs": 1106.1833700000007,
      "measuredSpeedup": 1.3137304369347005,
      "predictionError": -0.6373693450119398
    }
  ],
  "fastest": "threads",
  "recommended": "threads",
  "recommendedRan": true,
  "agree": true,
  "notes": [
    "Pools were started before timing, so neither the predictions nor the measurements count pool start-up."
  ]
};

export const RECORDED_POOLS_REPLY: PoolsReply = {
  "iterationsPerMs": 257497.6802510837,
  "jobs": {
    "running": 0,
    "queued": 0,
    "queueSize": 4
  },
  "pools": [
    {
      "kind": "threads",
      "processes": 1,
      "threadsPerProcess": 2,
      "size": 2,
      "busy": 0,
      "queued": 0,
      "utilization": 0.23803773177677126,
      "resident": true
    },
    {
      "kind": "processes",
      "processes": 2,
      "threadsPerProcess": 1,
      "size": 2,
      "busy": 0,
      "queued": 0,
      "utilization": 0.14688827058118648,
      "resident": true
    },
    {
      "kind": "hybrid",
      "processes": 2,
      "threadsPerProcess": 2,
      "size": 4,
      "busy": 0,
      "queued": 0,
      "utilization": 0,
      "resident": true
    },
    {
      "kind": "event-loop",
      "processes": 1,
      "threadsPerProcess": 1,
      "size": 1,
      "busy": 0,
      "queued": 0,
      "utilization": 0.33835703985320614,
      "resident": true
    },
    {
      "kind": "hybrid",
      "processes": 1,
      "threadsPerProcess": 2,
      "size": 2,
      "busy": 0,
      "queued": 0,
      "utilization": 0.39957241774909275,
      "resident": false
    }
  ]
};

export const RECORDED_HEALTH_REPLY = {
  "status": "ok",
  "uptimeSeconds": 15.877362675
};

/** GET /metrics after the requests above and one POST /advise. */
export const RECORDED_METRICS_REPLY = "# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.\n# TYPE process_cpu_user_seconds_total counter\nprocess_cpu_user_seconds_total 2.17723\n\n# HELP process_cpu_system_seconds_total Total system CPU time spent in seconds.\n# TYPE process_cpu_system_seconds_total counter\nprocess_cpu_system_seconds_total 0.151123\n\n# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 2.328353\n\n# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1796063465\n\n# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 125317120\n\n# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes 2937679872\n\n# HELP process_heap_bytes Process heap size in bytes.\n# TYPE process_heap_bytes gauge\nprocess_heap_bytes 174534656\n\n# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds 52\n\n# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\nprocess_max_fds 20000\n\n# HELP nodejs_eventloop_lag_seconds Lag of event loop in seconds.\n# TYPE nodejs_eventloop_lag_seconds gauge\nnodejs_eventloop_lag_seconds 0\n\n# HELP nodejs_eventloop_lag_min_seconds The minimum recorded event loop delay.\n# TYPE nodejs_eventloop_lag_min_seconds gauge\nnodejs_eventloop_lag_min_seconds 0.009076736\n\n# HELP nodejs_eventloop_lag_max_seconds The maximum recorded event loop delay.\n# TYPE nodejs_eventloop_lag_max_seconds gauge\nnodejs_eventloop_lag_max_seconds 0.561512447\n\n# HELP nodejs_eventloop_lag_mean_seconds The mean of the recorded event loop delays.\n# TYPE nodejs_eventloop_lag_mean_seconds gauge\nnodejs_eventloop_lag_mean_seconds 0.015788120603213846\n\n# HELP nodejs_eventloop_lag_stddev_seconds The standard deviation of the recorded event loop delays.\n# TYPE nodejs_eventloop_lag_stddev_seconds gauge\nnodejs_eventloop_lag_stddev_seconds 0.024849142156622015\n\n# HELP nodejs_eventloop_lag_p50_seconds The 50th percentile of the recorded event loop delays.\n# TYPE nodejs_eventloop_lag_p50_seconds gauge\nnodejs_eventloop_lag_p50_seconds 0.010780671\n\n# HELP nodejs_eventloop_lag_p90_seconds The 90th percentile of the recorded event loop delays.\n# TYPE nodejs_eventloop_lag_p90_seconds gauge\nnodejs_eventloop_lag_p90_seconds 0.019955711\n\n# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.\n# TYPE nodejs_eventloop_lag_p99_seconds gauge\nnodejs_eventloop_lag_p99_seconds 0.096075775\n\n# HELP nodejs_active_resources Number of active resources that are currently keeping the event loop alive, grouped by async resource type.\n# TYPE nodejs_active_resources gauge\nnodejs_active_resources{type=\"PipeWrap\"} 7\nnodejs_active_resources{type=\"Immediate\"} 5\n\n# HELP nodejs_active_resources_total Total number of active resources.\n# TYPE nodejs_active_resources_total gauge\nnodejs_active_resources_total 12\n\n# HELP nodejs_active_handles Number of active libuv handles grouped by handle type. Every handle type is C++ class name.\n# TYPE nodejs_active_handles gauge\nnodejs_active_handles{type=\"Socket\"} 7\n\n# HELP nodejs_active_handles_total Total number of active handles.\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 7\n\n# HELP nodejs_active_requests Number of active libuv requests grouped by request type. Every request type is C++ class name.\n# TYPE nodejs_active_requests gauge\n\n# HELP nodejs_active_requests_total Total number of active requests.\n# TYPE nodejs_active_requests_total gauge\nnodejs_active_requests_total 0\n\n# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.\n# TYPE nodejs_heap_size_total_bytes gauge\nnodejs_heap_size_total_bytes 37085184\n\n# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.\n# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes 26728784\n\n# HELP nodejs_external_memory_bytes Node.js external memory size in bytes.\n# TYPE nodejs_external_memory_bytes gauge\nnodejs_external_memory_bytes 2855285\n\n# HELP nodejs_heap_space_size_total_bytes Process heap space size total from Node.js in bytes.\n# TYPE nodejs_heap_space_size_total_bytes gauge\nnodejs_heap_space_size_total_bytes{space=\"read_only\"} 0\nnodejs_heap_space_size_total_bytes{space=\"new\"} 16777216\nnodejs_heap_space_size_total_bytes{space=\"old\"} 18317312\nnodejs_heap_space_size_total_bytes{space=\"code\"} 1310720\nnodejs_heap_space_size_total_bytes{space=\"shared\"} 0\nnodejs_heap_space_size_total_bytes{space=\"new_large_object\"} 0\nnodejs_heap_space_size_total_bytes{space=\"large_object\"} 679936\nnodejs_heap_space_size_total_bytes{space=\"code_large_object\"} 0\nnodejs_heap_space_size_total_bytes{space=\"shared_large_object\"} 0\n\n# HELP nodejs_heap_space_size_used_bytes Process heap space size used from Node.js in bytes.\n# TYPE nodejs_heap_space_size_used_bytes gauge\nnodejs_heap_space_size_used_bytes{space=\"read_only\"} 0\nnodejs_heap_space_size_used_bytes{space=\"new\"} 7951624\nnodejs_heap_space_size_used_bytes{space=\"old\"} 16896888\nnodejs_heap_space_size_used_bytes{space=\"code\"} 1223952\nnodejs_heap_space_size_used_bytes{space=\"shared\"} 0\nnodejs_heap_space_size_used_bytes{space=\"new_large_object\"} 0\nnodejs_heap_space_size_used_bytes{space=\"large_object\"} 660600\nnodejs_heap_space_size_used_bytes{space=\"code_large_object\"} 0\nnodejs_heap_space_size_used_bytes{space=\"shared_large_object\"} 0\n\n# HELP nodejs_heap_space_size_available_bytes Process heap space size available from Node.js in bytes.\n# TYPE nodejs_heap_space_size_available_bytes gauge\nnodejs_heap_space_size_available_bytes{space=\"read_only\"} 0\nnodejs_heap_space_size_available_bytes{space=\"new\"} 295416\nnodejs_heap_space_size_available_bytes{space=\"old\"} 1093680\nnodejs_heap_space_size_available_bytes{space=\"code\"} 4608\nnodejs_heap_space_size_available_bytes{space=\"shared\"} 0\nnodejs_heap_space_size_available_bytes{space=\"new_large_object\"} 8388608\nnodejs_heap_space_size_available_bytes{space=\"large_object\"} 0\nnodejs_heap_space_size_available_bytes{space=\"code_large_object\"} 0\nnodejs_heap_space_size_available_bytes{space=\"shared_large_object\"} 0\n\n# HELP nodejs_version_info Node.js version info.\n# TYPE nodejs_version_info gauge\nnodejs_version_info{version=\"v20.20.2\",major=\"20\",minor=\"20\",patch=\"2\"} 1\n\n# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.\n# TYPE nodejs_gc_duration_seconds histogram\nnodejs_gc_duration_seconds_bucket{le=\"0.001\",kind=\"minor\"} 0\nnodejs_gc_duration_seconds_bucket{le=\"0.01\",kind=\"minor\"} 0\nnodejs_gc_duration_seconds_bucket{le=\"0.1\",kind=\"minor\"} 2\nnodejs_gc_duration_seconds_bucket{le=\"1\",kind=\"minor\"} 2\nnodejs_gc_duration_seconds_bucket{le=\"2\",kind=\"minor\"} 2\nnodejs_gc_duration_seconds_bucket{le=\"5\",kind=\"minor\"} 2\nnodejs_gc_duration_seconds_bucket{le=\"+Inf\",kind=\"minor\"} 2\nnodejs_gc_duration_seconds_sum{kind=\"minor\"} 0.049977544000139464\nnodejs_gc_duration_seconds_count{kind=\"minor\"} 2\n\n# HELP http_request_duration_seconds HTTP requests by route, method and status, with their duration.\n# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le=\"0.001\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.005\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.01\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.025\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.05\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.1\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.25\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.5\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"1\",route=\"/jobs\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"2.5\",route=\"/jobs\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"+Inf\",route=\"/jobs\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_sum{route=\"/jobs\",method=\"POST\",status=\"200\"} 2.080502537\nhttp_request_duration_seconds_count{route=\"/jobs\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.001\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.005\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.01\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.025\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.05\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.1\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.25\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.5\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"1\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"2.5\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"+Inf\",route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_sum{route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 7.293252161999999\nhttp_request_duration_seconds_count{route=\"/jobs/compare\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.001\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.005\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.01\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.025\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.05\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.1\",route=\"/advise\",method=\"POST\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.25\",route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.5\",route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"1\",route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"2.5\",route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"+Inf\",route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_sum{route=\"/advise\",method=\"POST\",status=\"200\"} 0.10297993200000019\nhttp_request_duration_seconds_count{route=\"/advise\",method=\"POST\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.001\",route=\"/pools\",method=\"GET\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.005\",route=\"/pools\",method=\"GET\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.01\",route=\"/pools\",method=\"GET\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.025\",route=\"/pools\",method=\"GET\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.05\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.1\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.25\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.5\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"1\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"2.5\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"+Inf\",route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_sum{route=\"/pools\",method=\"GET\",status=\"200\"} 0.038897467999999207\nhttp_request_duration_seconds_count{route=\"/pools\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.001\",route=\"/health\",method=\"GET\",status=\"200\"} 0\nhttp_request_duration_seconds_bucket{le=\"0.005\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.01\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.025\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.05\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.1\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.25\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"0.5\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"1\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"2.5\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_bucket{le=\"+Inf\",route=\"/health\",method=\"GET\",status=\"200\"} 1\nhttp_request_duration_seconds_sum{route=\"/health\",method=\"GET\",status=\"200\"} 0.002620372999999745\nhttp_request_duration_seconds_count{route=\"/health\",method=\"GET\",status=\"200\"} 1\n\n# HELP advice_total Advice given, by the recommended model.\n# TYPE advice_total counter\nadvice_total{model=\"hybrid\"} 1\n\n# HELP job_duration_seconds Sample jobs by pool and outcome (ok, or the error code), with their duration.\n# TYPE job_duration_seconds histogram\njob_duration_seconds_bucket{le=\"0.05\",pool=\"threads\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.1\",pool=\"threads\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.25\",pool=\"threads\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.5\",pool=\"threads\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"1\",pool=\"threads\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"2.5\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"5\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"10\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"30\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"60\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"+Inf\",pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_sum{pool=\"threads\",outcome=\"ok\"} 2.005517931\njob_duration_seconds_count{pool=\"threads\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"0.05\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.1\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.25\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"0.5\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"1\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"2.5\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"5\",pool=\"compare\",outcome=\"ok\"} 0\njob_duration_seconds_bucket{le=\"10\",pool=\"compare\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"30\",pool=\"compare\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"60\",pool=\"compare\",outcome=\"ok\"} 1\njob_duration_seconds_bucket{le=\"+Inf\",pool=\"compare\",outcome=\"ok\"} 1\njob_duration_seconds_sum{pool=\"compare\",outcome=\"ok\"} 7.24125447\njob_duration_seconds_count{pool=\"compare\",outcome=\"ok\"} 1\n\n# HELP pool_workers Workers of each started pool.\n# TYPE pool_workers gauge\npool_workers{kind=\"threads\",shape=\"1x2\"} 2\npool_workers{kind=\"processes\",shape=\"2x1\"} 2\npool_workers{kind=\"hybrid\",shape=\"2x2\"} 4\npool_workers{kind=\"event-loop\",shape=\"1x1\"} 1\npool_workers{kind=\"hybrid\",shape=\"1x2\"} 2\n\n# HELP pool_busy_workers Workers running a task.\n# TYPE pool_busy_workers gauge\npool_busy_workers{kind=\"threads\",shape=\"1x2\"} 0\npool_busy_workers{kind=\"processes\",shape=\"2x1\"} 0\npool_busy_workers{kind=\"hybrid\",shape=\"2x2\"} 0\npool_busy_workers{kind=\"event-loop\",shape=\"1x1\"} 0\npool_busy_workers{kind=\"hybrid\",shape=\"1x2\"} 0\n\n# HELP pool_queued_tasks Tasks handed to the pool and waiting for a worker.\n# TYPE pool_queued_tasks gauge\npool_queued_tasks{kind=\"threads\",shape=\"1x2\"} 0\npool_queued_tasks{kind=\"processes\",shape=\"2x1\"} 0\npool_queued_tasks{kind=\"hybrid\",shape=\"2x2\"} 0\npool_queued_tasks{kind=\"event-loop\",shape=\"1x1\"} 0\npool_queued_tasks{kind=\"hybrid\",shape=\"1x2\"} 0\n\n# HELP pool_utilization_ratio Share of the pool's worker time spent on tasks since it started.\n# TYPE pool_utilization_ratio gauge\npool_utilization_ratio{kind=\"threads\",shape=\"1x2\"} 0.23650824770635825\npool_utilization_ratio{kind=\"processes\",shape=\"2x1\"} 0.14594281481847596\npool_utilization_ratio{kind=\"hybrid\",shape=\"2x2\"} 0\npool_utilization_ratio{kind=\"event-loop\",shape=\"1x1\"} 0.3361298699252939\npool_utilization_ratio{kind=\"hybrid\",shape=\"1x2\"} 0.38677684742903456\n\n# HELP jobs_queued Sample jobs waiting behind the running one.\n# TYPE jobs_queued gauge\njobs_queued 0\n";
