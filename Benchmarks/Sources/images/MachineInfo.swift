import CAllocBench
import Foundation
import Glibc

/// What the run happened on, for the report.
struct MachineInfo: Codable {
    let processors: Int
    let cpu: String
    let kernel: String
    let swift: String
    let memoryGiB: Double
    let loadAverageAtStart: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return MachineInfo(
            processors: ProcessInfo.processInfo.activeProcessorCount,
            cpu: cpu,
            kernel: kernel,
            swift: firstLine(of: ["swift", "--version"]),
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) * 10).rounded() / 10,
            loadAverageAtStart: load
        )
    }

    /// The first line a command prints, or "unknown".
    private static func firstLine(of arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return "unknown" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "unknown"
    }

    var summary: String {
        "\(processors) × \(cpu), \(memoryGiB) GiB, Linux \(kernel), \(swift); "
            + "load average at start \(loadAverageAtStart)"
    }
}
