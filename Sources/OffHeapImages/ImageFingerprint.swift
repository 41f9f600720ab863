/// The shape fingerprint of a value type: a 64-bit FNV-1a hash of its fully qualified name.
///
/// The name comes from `String(reflecting:)` (for example `Swift.Array<App.Person>`), with the
/// process-specific address in "(unknown context at $…)" (private and local types) removed, so
/// that every process running the same code computes the same fingerprint.
///
/// Limits: the fingerprint tells types apart by name only. Renaming a type or its module changes
/// it; changing a type's fields without renaming it does not; such images then fail field by
/// field, at the access, with a `DecodingError` (a missing key, a type mismatch), never with a
/// crash. Two private types of the same name in one module share a fingerprint.
enum ImageFingerprint {
    /// The normalised name of `type`.
    static func name<V>(of type: V.Type) -> String {
        var name = String(reflecting: type)
        let marker = "(unknown context at $"
        while let start = name.firstRange(of: marker) {
            guard let close = name[start.upperBound...].firstIndex(of: ")") else { break }
            name.replaceSubrange(start.lowerBound...close, with: "(unknown context)")
        }
        return name
    }

    /// The fingerprint of `type`.
    static func of<V>(_ type: V.Type) -> UInt64 {
        ImageFormat.fnv1a(name(of: type).utf8)
    }
}
