import Glibc
import ShardedHeapStats
import Testing

@Suite("Peak resident memory")
struct PeakMemoryTests {
    @Test("A process reports its own peak, not the peak of the process that started it")
    func childReportsItsOwnPeak() async throws {
        // Raise this process's resident memory by 256 MiB, touched, and keep it while the child
        // starts: getrusage's ru_maxrss carries that peak into the child across execve.
        let size = 256 << 20
        let block = try #require(malloc(size))
        defer { free(block) }
        memset(block, 1, size)
        await #expect(processExitsWith: .success) {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let inherited = Int(usage.ru_maxrss) * 1024
            let process = ProcessStats.current()
            // The child's own peak is far below the one it inherited (its parent's).
            guard process.peakResidentBytes >= process.residentBytes,
                inherited - process.peakResidentBytes >= 128 << 20
            else {
                print("peak \(process.peakResidentBytes), resident \(process.residentBytes), ru_maxrss \(inherited)")
                exit(1)
            }
        }
    }
}
