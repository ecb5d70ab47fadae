import Foundation
import Synchronization

/// Makes resource and request ids. Injected so that tests can predict them.
package protocol IDGenerator: Sendable {
    /// A new resource id: `prefix` followed by 17 lower-case hex digits, as AWS's are.
    func resourceID(_ prefix: ResourcePrefix) -> String
    /// A new request id, a UUID.
    func requestID() -> String
}

/// Random ids, for serving.
package struct RandomIDGenerator: IDGenerator {
    /// A generator backed by the system's random source.
    package init() {}

    package func resourceID(_ prefix: ResourcePrefix) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var id = Array(prefix.rawValue.utf8)
        id.append(UInt8(ascii: "-"))
        for _ in 0..<17 {
            id.append(digits[Int(generator.next(upperBound: UInt8(16)))])
        }
        return String(decoding: id, as: UTF8.self)
    }

    package func requestID() -> String { UUID().uuidString.lowercased() }
}

/// Ids counted up from one: `vol-00000000000000001`, then `…02`. For tests.
package final class SequentialIDGenerator: IDGenerator {
    private let counter = Mutex(0)

    /// A generator starting at one.
    package init() {}

    private func next() -> Int {
        counter.withLock {
            $0 += 1; return $0
        }
    }

    package func resourceID(_ prefix: ResourcePrefix) -> String {
        let number = String(next(), radix: 16)
        return "\(prefix.rawValue)-" + String(repeating: "0", count: max(0, 17 - number.count)) + number
    }

    package func requestID() -> String { "request-\(next())" }
}
