#if canImport(Glibc)
import Glibc
#endif

/// How many processors the process may keep busy: its CPU affinity, further limited by a cgroup
/// CPU quota when it runs in a container.
///
/// A container limited to 2 CPUs on a 64-CPU host still sees 64 CPUs in its affinity mask; the
/// limit is in the cgroup's CPU controller:
/// - cgroup v2: `cpu.max` in the process's cgroup directory holds `"<quota> <period>"` in
///   microseconds, or `"max <period>"` when unlimited;
/// - cgroup v1: `cpu/cpu.cfs_quota_us` (`-1` when unlimited) and `cpu/cpu.cfs_period_us`.
/// A fractional quota rounds up (1.5 CPUs allow 2 busy threads at times).
enum ProcessorQuota {
    /// The processors a quota of `quota` microseconds per `period` allows, rounded up; nil for no
    /// limit or figures that make no sense.
    static func processors(quota: Int, period: Int) -> Int? {
        guard quota > 0, period > 0 else { return nil }
        return (quota + period - 1) / period
    }

    /// Parses the first line of a cgroup v2 `cpu.max` file.
    static func processors(cgroupV2CPUMax line: String) -> Int? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, fields[0] != "max", let quota = Int(fields[0]), let period = Int(fields[1]) else {
            return nil
        }
        return processors(quota: quota, period: period)
    }

    /// Parses cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` contents.
    static func processors(cgroupV1Quota quota: String, period: String) -> Int? {
        func number(_ text: String) -> Int? { Int(text.filter { $0 != "\n" && $0 != " " }) }
        guard let quota = number(quota), let period = number(period) else { return nil }
        return processors(quota: quota, period: period)
    }

    /// The cgroup v2 path of the process (`0::/path` in `/proc/self/cgroup`), or nil.
    static func cgroupV2Path(selfCgroup text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }

    /// The quota in force for this process, read under `root` (normally `/sys/fs/cgroup`) with the
    /// process's cgroup membership from `selfCgroup` (normally `/proc/self/cgroup`); nil when
    /// there is none or nothing can be read.
    static func limit(root: String = "/sys/fs/cgroup", selfCgroup: String = "/proc/self/cgroup") -> Int? {
        // cgroup v2: the process's own cgroup first, then the root of the mount (what a container
        // sees when its cgroup is mounted as the root).
        var v2Files: [String] = []
        if let path = readFile(selfCgroup).flatMap(cgroupV2Path(selfCgroup:)), path != "/" {
            v2Files.append(root + path + "/cpu.max")
        }
        v2Files.append(root + "/cpu.max")
        for file in v2Files {
            if let line = readFile(file) { return processors(cgroupV2CPUMax: line) }
        }
        for directory in ["/cpu", "/cpu,cpuacct"] {
            if let quota = readFile(root + directory + "/cpu.cfs_quota_us"),
                let period = readFile(root + directory + "/cpu.cfs_period_us")
            {
                return processors(cgroupV1Quota: quota, period: period)
            }
        }
        return nil
    }

    /// The whole of a small text file (at most 4 KiB), or nil when it cannot be read.
    static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        // Safe: the read stays within `bytes`, which outlives the call.
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }
}
