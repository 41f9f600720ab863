import Foundation
import Glibc

/// What the benchmark reports read off the machine they ran on.
public enum MachineProbe {
    /// The CPU's model name from /proc/cpuinfo, or "unknown".
    public static var cpuModel: String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The kernel release (`uname -r`).
    public static var kernelRelease: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// What a command prints on standard output, or "" when it cannot run or fails.
    public static func output(of arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : ""
    }

    /// The first line a command prints, or "unknown".
    public static func firstLine(of arguments: [String]) -> String {
        output(of: arguments).split(separator: "\n").first.map(String.init) ?? "unknown"
    }
}
