// A region used by a new task, which may run after the scope ends.
import ShardedHeap

func regionInTask() async {
    await withRegion { region in
        Task { _ = try? region.allocate(byteCount: 8) }
    }
}
// expected-error: lifetime-dependent variable 'region' escapes its scope
