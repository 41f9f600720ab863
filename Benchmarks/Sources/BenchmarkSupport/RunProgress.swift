import Foundation
import Glibc
import Synchronization

/// Progress of a long benchmark run on standard error, with an estimate of the time left.
///
/// A run is a known number of steps, each with a weight: how long it is expected to take, in any
/// unit the runner likes (`images` uses nanoseconds measured on a reference machine, `compare` one
/// unit per child run, then each child's share of the first repetition). The time left is the
/// weight left times the seconds per unit of weight measured so far in this run, minus what the
/// current step has already used; before the first step ends it comes from `secondsPerWeight`
/// if the runner gave one, and is "not known yet" otherwise.
///
/// The status looks like the demo's progress lines:
///
///       images: step 4 of 13 (JSONEncoder, rep 1 of 1), 12 s elapsed, about 58 s left
///
/// On a terminal it is one line, redrawn in place (`\r`) once a second. Anywhere else (a log
/// file, CI) it is plain lines: at the first step, then at most one a second when a new step has
/// started, and one every ten seconds during a long step. ``finish()`` always ends with one line.
/// A detached thread does the redrawing: one wake-up a second in the measured process.
///
/// Results go to standard output, untouched. Lines printed while the status is on a terminal
/// should go through ``print(_:)``, which clears the status first, so the two do not run together.
///
/// Any thread may call any method; the status is drawn under a lock.
public final class RunProgress: Sendable {
    /// What comes before the status, e.g. "images".
    public let label: String
    /// What one step is called, e.g. "step" or "run".
    public let unit: String
    /// How many steps the run has.
    public let count: Int
    /// The sum of the weights of all steps.
    public let totalWeight: Double
    /// Seconds per unit of weight before any step has ended, or nil for no estimate until then.
    public let secondsPerWeight: Double?
    /// Whether standard error is a terminal (one line redrawn in place) or not (plain lines).
    public let isTerminal: Bool

    private let state = Mutex(State())

    /// What the status is drawn from; guarded by `state`.
    private struct State {
        /// When the first step started (monotonic seconds), nil before.
        var started: Double?
        /// Steps started so far; the current step is number `started`.
        var stepsStarted = 0
        var title = ""
        var weight = 0.0
        var stepStarted = 0.0
        /// The weight of the steps that have ended, and the time from the start to the last end.
        var doneWeight = 0.0
        var doneSeconds = 0.0
        /// When the last plain line was written, and which step it showed.
        var lastLine = -Double.infinity
        var stepAtLastLine = 0
        /// A status line is on the terminal (and must be cleared before other output).
        var showing = false
        var finished = false
    }

    /// Seconds between redraws on a terminal, and between checks for a new step otherwise.
    private static let interval = 1.0
    /// Seconds between plain lines while one step goes on.
    private static let quietInterval = 10.0

    /// Makes the progress of a run of `count` steps whose weights add up to `totalWeight`.
    ///
    /// Nothing is written until the first ``start(_:weight:)``.
    ///
    /// - Parameters:
    ///   - label: what comes first in each status line, e.g. the runner's name.
    ///   - unit: what a step is called in the status ("step 3 of 12").
    ///   - count: how many times the run will call ``start(_:weight:)``.
    ///   - totalWeight: the sum of the weights it will pass; `count` when every step weighs 1.
    ///   - secondsPerWeight: how many seconds one unit of weight is expected to take before the
    ///     run has measured it; nil: no estimate until the first step ends.
    public init(
        label: String,
        unit: String = "step",
        count: Int,
        totalWeight: Double? = nil,
        secondsPerWeight: Double? = nil
    ) {
        self.label = label
        self.unit = unit
        self.count = count
        self.totalWeight = totalWeight ?? Double(count)
        self.secondsPerWeight = secondsPerWeight
        self.isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Ends the current step, if any, and starts the next one.
    ///
    /// - Parameters:
    ///   - title: what the step does, shown in brackets after its number.
    ///   - weight: how long it is expected to take, in the unit of `totalWeight`.
    public func start(_ title: String, weight: Double = 1) {
        let now = Self.now()
        let first = state.withLock { state in
            let first = state.started == nil
            if first {
                state.started = now
            } else {
                state.doneWeight += state.weight
                state.doneSeconds = now - state.started!
            }
            state.stepsStarted += 1
            state.title = title
            state.weight = weight
            state.stepStarted = now
            if first { draw(&state, now: now) }
            return first
        }
        if first { Thread.detachNewThread { [self] in tick() } }
    }

    /// Ends the last step and writes the closing line: "images: done, 13 of 13 steps in 91 s",
    /// or "images: stopped in step 5 of 13 after 20 s" when fewer steps than `count` started
    /// (a run that failed).
    ///
    /// Call it before printing the results or an error, so the status line on a terminal is
    /// ended first; the status is not drawn after it, and later calls do nothing.
    public func finish() {
        let now = Self.now()
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            let seconds = Self.seconds(state.started.map { now - $0 } ?? 0)
            let line =
                state.stepsStarted >= count
                ? "  \(label): done, \(state.stepsStarted) of \(count) \(unit)\(count == 1 ? "" : "s") in \(seconds)"
                : "  \(label): stopped in \(unit) \(state.stepsStarted) of \(count) after \(seconds)"
            Self.writeStandardError(isTerminal ? "\r" + line + "\u{1B}[K\n" : line + "\n")
            state.showing = false
        }
    }

    /// Prints `line` on standard output and flushes it, first clearing the status from the
    /// terminal (and drawing it again after), so a result never runs into the status line.
    ///
    /// - Parameter line: one line of results, without its newline.
    public func print(_ line: String) {
        state.withLock { state in
            if state.showing { Self.writeStandardError("\r\u{1B}[K") }
            state.showing = false
            Swift.print(line)
            fflush(nil)  // every output stream: the line is out before the status comes back
            if isTerminal && !state.finished && state.started != nil { draw(&state, now: Self.now()) }
        }
    }

    /// The status of the current step as one line, without a newline.
    ///
    /// - Parameter now: monotonic seconds, as ``now()`` returns.
    private func status(_ state: State, now: Double) -> String {
        let elapsed = now - (state.started ?? now)
        let rate = state.doneWeight > 0 ? state.doneSeconds / state.doneWeight : secondsPerWeight
        var left = "time left not known yet"
        if let rate {
            let current = max(0, state.weight * rate - (now - state.stepStarted))
            let after = max(0, totalWeight - state.doneWeight - state.weight) * rate
            left = "about \(Self.seconds(current + after)) left"
        }
        return "  \(label): \(unit) \(state.stepsStarted) of \(count) (\(state.title)), "
            + "\(Self.seconds(elapsed)) elapsed, \(left)"
    }

    /// Writes the status: in place on a terminal, as a new line otherwise.
    private func draw(_ state: inout State, now: Double) {
        let line = status(state, now: now)
        if isTerminal {
            Self.writeStandardError("\r" + line + "\u{1B}[K")
            state.showing = true
        } else {
            Self.writeStandardError(line + "\n")
            state.lastLine = now
            state.stepAtLastLine = state.stepsStarted
        }
    }

    /// The redrawing thread: wakes once a second until ``finish()``.
    private func tick() {
        while true {
            Thread.sleep(forTimeInterval: Self.interval)
            let running = state.withLock { state in
                guard !state.finished else { return false }
                let now = Self.now()
                let newStep = state.stepsStarted != state.stepAtLastLine
                if isTerminal || newStep || now - state.lastLine >= Self.quietInterval {
                    draw(&state, now: now)
                }
                return true
            }
            if !running { return }
        }
    }

    /// Whole seconds, "12 s".
    private static func seconds(_ value: Double) -> String { "\(Int(value.rounded())) s" }

    /// CLOCK_MONOTONIC in seconds.
    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Writes all of `text` to file descriptor 2, unbuffered (the status is not held back behind
    /// standard output's buffer, nor interleaved with it mid-line).
    private static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
