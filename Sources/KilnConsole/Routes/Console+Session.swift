import Foundation
import Hummingbird
import KilnCore

/// Signing in and out, and choosing the region.
extension Console {
    func registerSession(on router: Router<BasicRequestContext>) {
        router.get("/console") { request, _ in
            await session(of: request) == nil ? redirect("/console/signin") : redirect("/console/images")
        }
        router.get("/console/signin") { _, _ in
            html(pages.signIn(SignInView(mode: signIn, accounts: knownAccounts, problem: nil, regions: regionNames)))
        }
        router.post("/console/signin") { request, _ in
            await signInPosted(request)
        }
        router.post("/console/signout") { request, _ in
            await signOutPosted(request)
        }
        router.post("/console/region") { request, _ in
            await action(request, back: "/console/images") { session, fields in
                let region = RegionName(fields.text("region") ?? "")
                _ = try cloud.regions.requireEnabled(region)
                try await sessions.setRegion(session.id, region)
                return ActionOutcome(location: Self.localPath(fields["back"]) ?? "/console/images", message: "Now showing \(region).")
            }
        }
    }

    /// Checks the sign-in form and opens a session; a refused sign-in shows the form again with the error.
    private func signInPosted(_ request: Request) async -> Response {
        guard let fields = await form(request), isSameOrigin(request) else {
            return html(
                pages.signIn(
                    SignInView(mode: signIn, accounts: knownAccounts, problem: Problem(CloudError.consoleFormRefused), regions: regionNames)
                ),
                status: .forbidden
            )
        }
        do {
            let (account, keyID) = try signIn.account(fields, identity: cloud.identity)
            let region = RegionName(fields.text("region") ?? "us-east-1")
            _ = try cloud.regions.requireEnabled(region)
            let session = try await sessions.open(account: account, accessKeyID: keyID, region: region)
            var response = redirect("/console/images")
            response.setCookie(sessionCookie(session.id))
            return response
        } catch {
            let problem = Problem(error)
            return html(
                pages.signIn(SignInView(mode: signIn, accounts: knownAccounts, problem: problem, regions: regionNames)),
                status: problem.status
            )
        }
    }

    private func signOutPosted(_ request: Request) async -> Response {
        guard let session = await session(of: request) else { return redirect("/console/signin") }
        guard let fields = await form(request), isSameOrigin(request), RandomToken.matches(fields["csrf"] ?? "", session.csrfToken) else {
            let page = pages.errorPage(Problem(CloudError.consoleFormRefused))
            return html(pages.layout(page, session: session, flash: nil, regions: regionNames), status: page.status)
        }
        try? await sessions.close(session.id)
        var response = redirect("/console/signin")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// The accounts the configuration declares, offered in dev mode's sign-in.
    var knownAccounts: [String] {
        ([cloud.identity.defaultAccount] + cloud.identity.accounts.keys.sorted()).map(\.rawValue)
    }

    /// `path` if it is one of the console's own, so that a form cannot send the browser elsewhere.
    static func localPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/console"), !path.contains("//"), !path.contains("\\") else { return nil }
        return path
    }
}
