// KNOWN HOLE (Swift 6.3.1 compiler bug): a value that is both ~Copyable and ~Escapable can be
// consumed, inside a non-escaping closure, into a variable the closure captures, and so leave its
// scope. The same code with a copyable non-escapable value (Span) is rejected; the standard
// library's MutableSpan has the same hole. No library-side check closes it. This snippet must
// still compile: when a compiler release rejects it, move it to fails/.
import ShardedHeap

func escapeThroughCapture() -> Int {
    var outer: RegionArray<Int>? = nil
    withRegion { region in
        var numbers = RegionArray<Int>(in: region)
        numbers.append(7)
        outer = consume numbers
    }
    switch consume outer {
    case .some(let numbers): return numbers[0]  // reads a page the region gave back
    case .none: return 0
    }
}
