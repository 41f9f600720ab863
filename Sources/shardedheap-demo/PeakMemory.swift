#if canImport(Glibc)
import Glibc
#endif

/// The demo's own peak resident memory.
///
/// `getrusage(RUSAGE_SELF).ru_maxrss` (and mimalloc's peak figure, which reads it) survives
/// `execve`, so under `swift run` it reports SwiftPM's own peak. The kernel's `VmHWM` in
/// `/proc/self/status` belongs to the address space, which `execve` replaces, and writing `5` to
/// `/proc/self/clear_refs` resets it to the current resident size (Linux 4.0 and later). So the
/// demo resets it when it starts and reads it at the end. Where that is refused it reads `VmHWM`
/// without the reset, and where `/proc` cannot be read, `ru_maxrss`; ``source`` says which.
struct PeakMemory: Sendable {
    /// Which measure ``currentPeakBytes()`` reads.
    enum Source: String, Sendable {
        /// `VmHWM`, reset through `/proc/self/clear_refs` when the demo started.
        case highWaterMarkSinceReset = "VmHWM, reset at start through /proc/self/clear_refs"
        /// `VmHWM` without a reset: the peak since this process's `execve`.
        case highWaterMarkSinceExec = "VmHWM since exec (the reset through /proc/self/clear_refs was refused)"
        /// `getrusage`'s `ru_maxrss`, which can include the parent's peak (under `swift run`).
        case maximumResidentSetSize = "getrusage ru_maxrss (/proc unreadable; may include the parent's peak)"
    }

    /// The measure in use.
    let source: Source

    /// Resets the kernel's high-water mark and checks that the reset took effect (the mark must
    /// then be no more than the resident size, plus slack for pages touched in between).
    ///
    /// - Returns: The measure to read at the end.
    static func start() -> PeakMemory {
        guard readStatus("VmHWM") != nil else { return PeakMemory(source: .maximumResidentSetSize) }
        guard writeClearRefs(), let mark = readStatus("VmHWM"), let resident = readStatus("VmRSS"),
            mark <= resident + 1 << 20
        else {
            return PeakMemory(source: .highWaterMarkSinceExec)
        }
        return PeakMemory(source: .highWaterMarkSinceReset)
    }

    /// The peak resident bytes by ``source``, or 0 if it cannot be read.
    func currentPeakBytes() -> Int {
        switch source {
        case .highWaterMarkSinceReset, .highWaterMarkSinceExec:
            return Self.readStatus("VmHWM") ?? 0
        case .maximumResidentSetSize:
            var usage = rusage()
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
            return Int(usage.ru_maxrss) * 1024
        }
    }

    /// Writes `5` to `/proc/self/clear_refs`; true if all of it was written.
    private static func writeClearRefs() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var command = UInt8(ascii: "5")
        return write(descriptor, &command, 1) == 1
    }

    /// The value of `field` in `/proc/self/status` (given in kB there), in bytes; nil if absent.
    static func readStatus(_ field: String) -> Int? {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            // Safe: read writes at most chunk.count bytes into chunk's own storage.
            let length = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard length > 0 else { break }
            text += chunk[..<length]
        }
        let prefix = field + ":"
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            let digits = line.dropFirst(prefix.count).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
