import Foundation

/// One mebibyte, for sizes in tests.
public let mebibyte = 1 << 20

/// Resident set size of this process, from /proc/self/statm (0 when it cannot be read).
public func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
