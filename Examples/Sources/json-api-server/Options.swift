import Foundation

/// The server's command line.
struct Options: Sendable {
    var plain = false
    var cooperativePool = false
    var port = 8080
    var host = "127.0.0.1"
    var eventLoops = 1
    var executorShards: Int?
    var records = 1_000_000
    var imagePath = "/tmp/shardedheap-example-records.img"

    static let help = """
        json-api-server: a JSON API on Hummingbird 2 with ShardedHeap

          --plain            plain Swift allocation (no shard groups, NIO's default allocator,
                             Swift arrays); the default is ShardedHeap (see the README)
          --cooperative-pool ShardedHeap, but handlers stay on Swift's cooperative pool (no
                             shard threads as the global executor): their buffers then come
                             from the fallback; for comparison
          --host H           address to listen on (default 127.0.0.1)
          --port N           port (default 8080; 0 picks one and prints it)
          --event-loops N    NIO event loops (default 1)
          --executor-shards N  shard threads that run the handlers as the global
                             executor (default: one per processor the event loops
                             leave, at least one)
          --records N        records in the mapped data set (default 1000000)
          --image PATH       where the data set's image is kept (default
                             /tmp/shardedheap-example-records.img; made when missing or of
                             another size)
          --help             this text

        Routes: GET /records/{id}, POST /aggregate (a JSON array of integers), GET /stats.
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number() -> Int {
            let text = value()
            guard let number = Int(text), number >= 0 else { fail("\(arguments[index - 1]): not a number: \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--plain": options.plain = true
            case "--cooperative-pool": options.cooperativePool = true
            case "--host": options.host = value()
            case "--port": options.port = number()
            case "--event-loops": options.eventLoops = max(1, number())
            case "--executor-shards": options.executorShards = max(1, number())
            case "--records": options.records = max(1, number())
            case "--image": options.imagePath = value()
            case "--help", "-h":
                print(help)
                exit(0)
            default: fail("unknown argument \(arguments[index]) (see --help)")
            }
            index += 1
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("json-api-server: \(message)\n".utf8))
        exit(2)
    }
}
