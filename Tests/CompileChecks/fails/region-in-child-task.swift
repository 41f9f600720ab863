// A region is confined to its task: child tasks cannot allocate from it (SharedRegion can).
import ShardedHeap

func regionInChild() async {
    await withRegion { region in
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? region.allocate(byteCount: 8) }
        }
    }
}
// expected-error: lifetime-dependent variable 'region' escapes its scope
