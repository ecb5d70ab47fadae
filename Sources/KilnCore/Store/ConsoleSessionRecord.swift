import Foundation

/// A console session as the metadata store keeps it, so that whichever node receives a
/// signed-in browser's next request finds its session.
///
/// The store indexes the id and the last use; the console's own document is opaque to it.
package struct ConsoleSessionRecord: Sendable, Equatable {
    /// The session cookie's value.
    package var id: String
    /// When the session was last used: sessions idle since before a cutoff are removed.
    package var lastSeen: Date
    /// The console's document for the session.
    package var body: Data

    /// A record of session `id`.
    package init(id: String, lastSeen: Date, body: Data) {
        self.id = id
        self.lastSeen = lastSeen
        self.body = body
    }
}
