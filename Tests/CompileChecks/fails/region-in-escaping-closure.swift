// A region captured by a closure that may run after the scope.
import ShardedHeap

func runLater(_ work: @escaping () -> Void) {}

func captureRegion() {
    withRegion { region in
        runLater { _ = try? region.allocate(byteCount: 8) }
    }
}
// expected-error: lifetime-dependent variable 'region' escapes its scope
