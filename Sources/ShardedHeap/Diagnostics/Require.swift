/// Traps with `message` when `condition` is false, in every build configuration.
///
/// The library checks its arguments with this instead of `precondition`, because Swift drops a
/// precondition's message in optimised builds, and release builds are where users meet these
/// traps. A failed check prints the message, which names the bad value, then stops the process.
@inlinable
@inline(__always)
package func require(
    _ condition: @autoclosure () -> Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    if _slowPath(!condition()) {
        fatalError(message(), file: file, line: line)
    }
}
