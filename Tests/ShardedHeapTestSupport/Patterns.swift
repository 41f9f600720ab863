/// Writes a pattern derived from `seed` into `bytes`.
public func fill(_ bytes: UnsafeMutableRawBufferPointer, seed: Int) {
    for index in 0..<bytes.count {
        bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ seed)
    }
}

/// Whether `bytes` still hold the pattern `fill` wrote with `seed`.
public func holdsPattern(_ bytes: UnsafeRawBufferPointer, seed: Int) -> Bool {
    for index in 0..<bytes.count where bytes[index] != UInt8(truncatingIfNeeded: index &* 31 &+ seed) {
        return false
    }
    return true
}

/// Fills `count` bytes at `pointer` with a pattern from `seed`.
public func fill(_ pointer: UnsafeMutableRawPointer, count: Int, seed: Int) {
    fill(UnsafeMutableRawBufferPointer(start: pointer, count: count), seed: seed)
}

/// Whether `count` bytes at `pointer` hold the pattern from `seed`.
public func holdsPattern(_ pointer: UnsafeRawPointer, count: Int, seed: Int) -> Bool {
    holdsPattern(UnsafeRawBufferPointer(start: pointer, count: count), seed: seed)
}
