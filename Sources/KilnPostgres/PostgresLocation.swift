import Foundation
import PostgresNIO

/// Where the metadata database is: a `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL.
///
/// Kiln speaks to PostgreSQL without TLS: the database is expected on loopback or a private
/// network, as in the cluster's deployment.
package struct PostgresLocation: Sendable, Equatable {
    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String

    /// Reads a `postgres://` (or `postgresql://`) URL.
    package init(_ url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw PostgresLocationError(url: url, reason: "give postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError(url: url, reason: "name one database after the host, as in postgres://kiln@127.0.0.1:5432/kiln")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
    }

    /// Whether `url` names a PostgreSQL database rather than a file.
    package static func isPostgresURL(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// The pool's configuration.
    var clientConfiguration: PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }

    /// One connection's configuration, for connections kept outside the pool.
    var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }
}

/// A `--metadata` URL that names no database Kiln can reach.
package struct PostgresLocationError: Error, CustomStringConvertible {
    package var url: String
    package var reason: String

    package var description: String { "\(url): \(reason)" }
}
