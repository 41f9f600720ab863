#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the resident set size of the process from `/proc/self/statm`, cheaply: one `open`,
/// one `read` into a stack buffer, one `close`; no Foundation, no heap allocation.
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
}
