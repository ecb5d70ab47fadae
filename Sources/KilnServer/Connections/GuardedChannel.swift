import HummingbirdCore
import Logging
import NIOCore

/// A server child channel that bounds the number of open connections: a connection over the
/// bound is answered `503 ServiceUnavailable` to its first request and closed, without
/// reaching the service.
package struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    package typealias Value = Base.Value

    let base: Base
    let gate: ConnectionGate

    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = gate.enter()
        let gate = self.gate
        channel.closeFuture.whenComplete { _ in gate.leave() }
        return channel.eventLoop.makeCompletedFuture {
            if !admitted {
                logger.warning("connection refused: too many open", metadata: ["limit": .stringConvertible(gate.limit)])
                try channel.pipeline.syncOperations.addHandler(ConnectionRefuser())
            }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    package func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
