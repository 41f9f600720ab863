extension ImageBytes {
    /// A string of the UTF-8 in `utf8`, or nil when it is not valid UTF-8.
    ///
    /// `String(validating:as:)` goes through a generic validator that looks up type metadata on
    /// every call (about a thousand instructions for a short name); this is the standard
    /// library's direct UTF-8 path (which Foundation's JSON decoder uses too).
    @inline(__always)
    static func string(validating utf8: UnsafeRawBufferPointer) -> String? {
        // Safe: `utf8` is a checked range of the image (or of a string) that outlives the call,
        // and UInt8 is trivial, so viewing raw bytes as UInt8 is always valid.
        String._tryFromUTF8(utf8.assumingMemoryBound(to: UInt8.self))
    }

    /// The string whose UTF-8 is the checked range `start..<start+count`, or nil when it is not
    /// valid UTF-8.
    @inline(__always)
    func string(start: Int, count: Int) -> String? {
        Self.string(validating: uncheckedBuffer(start, count))
    }
}
