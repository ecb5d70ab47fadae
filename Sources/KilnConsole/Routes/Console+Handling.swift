import Foundation
import HTTPTypes
import Hummingbird
import KilnCore
import Logging
import NIOCore

extension Console {
    /// The session cookie's name.
    static let cookieName = "kiln_console"
    /// The largest form accepted.
    static let maximumFormSize = 256 * 1024

    /// The session the request's cookie names, if it is open.
    func session(of request: Request) async -> ConsoleSession? {
        guard let id = request.cookies[Self.cookieName]?.value else { return nil }
        return try? await sessions.session(id)
    }

    /// Answers a GET page for a signed-in session: `?region=` points the session at a region
    /// first; errors become an error page with the AWS code and message.
    func page(_ request: Request, _ body: @Sendable (ConsoleSession, FormFields) async throws -> Page) async -> Response {
        guard var session = await session(of: request) else { return redirect("/console/signin") }
        let query = FormFields(request.uri.query ?? "")
        do {
            if let region = query.text("region") {
                _ = try cloud.regions.requireEnabled(RegionName(region))
                try await sessions.setRegion(session.id, RegionName(region))
                session.region = RegionName(region)
            }
            let flash = try await sessions.takeFlash(session.id)
            var page = try await body(session, query)
            page.back = Self.listPath(request.uri.path)
            return html(pages.layout(page, session: session, flash: flash, regions: regionNames), status: page.status)
        } catch {
            let problem = problem(error, path: request.uri.path)
            let page = pages.errorPage(problem)
            return html(pages.layout(page, session: session, flash: nil, regions: regionNames), status: page.status)
        }
    }

    /// Answers a POST form of a signed-in session: the CSRF token is checked, `body` runs, and
    /// the browser is sent on with a message; a refused action returns to `back` and shows the
    /// error there.
    func action(_ request: Request, back: String, _ body: @Sendable (ConsoleSession, FormFields) async throws -> ActionOutcome) async -> Response {
        guard let session = await session(of: request) else { return redirect("/console/signin") }
        guard let fields = await form(request), isSameOrigin(request), RandomToken.matches(fields["csrf"] ?? "", session.csrfToken) else {
            let page = pages.errorPage(problem(CloudError.consoleFormRefused, path: request.uri.path))
            return html(pages.layout(page, session: session, flash: nil, regions: regionNames), status: page.status)
        }
        do {
            let outcome = try await body(session, fields)
            try? await sessions.setFlash(session.id, Flash(message: outcome.message))
            return redirect(outcome.location)
        } catch {
            let problem = problem(error, path: request.uri.path)
            try? await sessions.setFlash(session.id, Flash(code: problem.code, message: problem.message))
            return redirect(back)
        }
    }

    /// The request's form, or `nil` when it is too large.
    func form(_ request: Request) async -> FormFields? {
        guard let buffer = try? await request.body.collect(upTo: Self.maximumFormSize) else { return nil }
        return FormFields(String(buffer: buffer))
    }

    /// A browser's form from another site names that site in `Origin`; forms without it (older
    /// browsers, tests) rely on the token and the SameSite cookie.
    func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority ?? HTTPField.Name("Host").flatMap({ request.headers[$0] }) else { return false }
        return origin == "http://\(authority)" || origin == "https://\(authority)"
    }

    /// The list a page belongs to (`/console/images` for an image's page): where switching
    /// the region leads, as one region's resource is not in another.
    static func listPath(_ path: String) -> String {
        "/" + path.split(separator: "/").prefix(2).joined(separator: "/")
    }

    /// The regions a session may look at.
    var regionNames: [String] { cloud.regions.enabled.map(\.name.rawValue) }

    /// An error as the page shows it, logged when it was not expected.
    func problem(_ error: any Error, path: String) -> Problem {
        let problem = Problem(error)
        if let unexpected = problem.unexpected {
            logger.error("console error", metadata: ["path": .string(path), "error": .string(unexpected)])
        }
        return problem
    }

    /// A `303 See Other` to `location`.
    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// An HTML answer that no other site may frame and no cache keeps.
    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        if let frame = HTTPField.Name("X-Frame-Options") { headers[frame] = "DENY" }
        if let policy = HTTPField.Name("Content-Security-Policy") {
            headers[policy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The session cookie: HttpOnly, SameSite=Strict, for the console's paths only.
    func sessionCookie(_ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/console", httpOnly: true, sameSite: .strict)
    }
}
