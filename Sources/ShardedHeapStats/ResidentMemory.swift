#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the resident set size of the process from `/proc/self/statm`, and its peak from
/// `/proc/self/status`, cheaply: one `open`, `read`s into a stack buffer, one `close`; no
/// Foundation, no heap allocation.
enum ResidentMemory {
    /// The page size the kernel counts `statm` in.
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Bytes resident now, or nil where `/proc/self/statm` cannot be read.
    ///
    /// Any thread may call this.
    static func currentBytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // "size resident shared text lib data dt\n": seven decimal page counts, well under 128 bytes.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Int? in
            // Safe: `buffer` has 128 bytes and `read` writes at most `buffer.count` of them.
            let length = read(descriptor, buffer.baseAddress, buffer.count)
            guard length > 0 else { return nil }
            guard let pages = parseSecondField(UnsafeBufferPointer(rebasing: buffer[..<length])) else {
                return nil
            }
            return pages &* pageSize
        }
    }

    /// The second space-separated decimal number in `text` (the resident page count).
    static func parseSecondField(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var field = 0
        var value = 0
        var digits = 0
        for byte in text {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
                digits += 1
            } else {
                if digits > 0 {
                    if field == 1 { return value }
                    field += 1
                }
                value = 0
                digits = 0
            }
        }
        return field == 1 && digits > 0 ? value : nil
    }

    /// The most bytes resident at once since the process's `execve` (the kernel's `VmHWM` in
    /// `/proc/self/status`), or nil where that cannot be read.
    ///
    /// Unlike getrusage's `ru_maxrss`, which survives `execve`, this belongs to the process's
    /// own address space: a program started by `swift run` or `swift test` does not report the
    /// package manager's peak as its own.
    ///
    /// Any thread may call this.
    static func peakBytes() -> Int? {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // The file is about 1.5 KiB; VmHWM comes within its first 400 bytes or so (after the
        // ids and groups). 1 KiB stays on the stack; a line past it gives nil, and the caller
        // falls back to ru_maxrss.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer -> Int? in
            var length = 0
            while length < buffer.count {
                // Safe: `read` writes at most the `buffer.count - length` bytes left after
                // `length`, inside `buffer`.
                let got = read(descriptor, buffer.baseAddress! + length, buffer.count - length)
                guard got > 0 else { break }
                length += got
            }
            guard let kibibytes = parseField("VmHWM:", in: UnsafeBufferPointer(rebasing: buffer[..<length])) else {
                return nil
            }
            return kibibytes &* 1024
        }
    }

    /// The number after `name` at the start of a line of `text` (`VmHWM:    15360 kB`).
    static func parseField(_ name: StaticString, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var lineStart = 0
        while lineStart + key.count <= text.count {
            if text[lineStart..<(lineStart + key.count)].elementsEqual(key) {
                var index = lineStart + key.count
                while index < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t") {
                    index += 1
                }
                var value = 0
                var digits = 0
                while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                    value = value &* 10 &+ Int(text[index] &- UInt8(ascii: "0"))
                    digits += 1
                    index += 1
                }
                return digits > 0 ? value : nil
            }
            guard let newline = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            lineStart = newline + 1
        }
        return nil
    }
}
