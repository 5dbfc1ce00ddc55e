"""Stand-in onnxruntime: sessions that replay a fixed trace in ONNX Runtime's profile format (see README.md)."""
import json
import time

__version__ = "stub"


class GraphOptimizationLevel:
    ORT_DISABLE_ALL = 0
    ORT_ENABLE_ALL = 99


class ExecutionMode:
    ORT_SEQUENTIAL = 0


class SessionOptions:
    def __init__(self):
        self.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
        self.intra_op_num_threads = 0
        self.inter_op_num_threads = 0
        self.execution_mode = ExecutionMode.ORT_SEQUENTIAL
        self.enable_profiling = False
        self.profile_file_prefix = "onnxruntime_profile"


class _Input:
    name = "input"


# Fused kernels at `all`, one event per node at `disabled`, as ONNX Runtime names them.
_EVENTS = {
    GraphOptimizationLevel.ORT_ENABLE_ALL: [("Conv_0_output_nchwc", "Conv", 40), ("Gemm_3", "Gemm", 10)],
    GraphOptimizationLevel.ORT_DISABLE_ALL: [("Conv_0", "Conv", 50), ("Relu_1", "Relu", 8), ("Gemm_3", "Gemm", 11)],
}


class InferenceSession:
    def __init__(self, path, sess_options=None, providers=None):
        with open(path, "rb") as f:
            if f.read(1) == b"":
                raise RuntimeError(f"{path} is empty")
        self._options = sess_options or SessionOptions()
        self._trace = []
        self._clock = 1000

    def get_inputs(self):
        return [_Input()]

    def run(self, output_names, feeds):
        if list(feeds) != ["input"]:
            raise RuntimeError(f"unexpected feeds {list(feeds)}")
        start = self._clock
        for name, op, dur in _EVENTS[self._options.graph_optimization_level]:
            self._trace.append({"cat": "Node", "name": name + "_kernel_time", "ts": self._clock, "dur": dur, "args": {"op_name": op}})
            self._clock += dur + 1
        self._trace.append({"cat": "Session", "name": "model_run", "ts": start, "dur": self._clock - start})
        self._clock += 5
        time.sleep(0.001)
        return [[0.0]]

    def end_profiling(self):
        path = self._options.profile_file_prefix + "_stub.json"
        with open(path, "w") as f:
            json.dump(self._trace, f)
        return path
