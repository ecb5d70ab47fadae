import Foundation
import KilnCore
import Mustache

/// Draws the console's pages from its mustache templates (``Templates``), which are compiled
/// into the binary so that it needs no files beside it.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    /// Templates that did not parse, with why; a unit test keeps it empty.
    let failures: [String]

    init() {
        var library = MustacheLibrary()
        var failures: [String] = []
        for (name, text) in Templates.all {
            do {
                try library.register(text, named: name)
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        self.library = library
        self.failures = failures
    }

    /// `view` drawn with the template `name`; the page's forms find `csrf` and `region` above it.
    func render(_ name: String, _ view: Any, session: ConsoleSession) -> String {
        let context: [String: Any] = ["csrf": session.csrfToken, "region": session.region.rawValue, "page": view]
        return library.render(context, withTemplate: name) ?? "<p>The page \(name) could not be drawn.</p>"
    }

    /// The whole document: the layout around `page`.
    func layout(_ page: Page, session: ConsoleSession?, flash: Flash?, regions: [String]) -> String {
        let sections = [
            ("images", "Images"), ("instances", "Instances"), ("storage", "Snapshots and volumes"), ("autoscaling", "Auto Scaling groups"),
        ]
        let view = LayoutView(
            title: page.title,
            signedIn: session != nil,
            account: session?.account.rawValue ?? "",
            csrf: session?.csrfToken ?? "",
            back: page.back,
            regions: regions.map { Option(value: $0, label: $0, selected: $0 == session?.region.rawValue) },
            nav: sections.map { NavItem(href: "/console/\($0.0)", label: $0.1, current: $0.0 == page.section) },
            flash: flash.map(FlashView.init),
            body: page.body
        )
        return library.render(view, withTemplate: "layout") ?? page.body
    }

    /// A page that shows an error's code and message.
    func errorPage(_ problem: Problem) -> Page {
        let body = library.render(ProblemView(code: problem.code, message: problem.message), withTemplate: "error") ?? problem.message
        return Page(title: problem.code, section: "", body: body, status: problem.status)
    }

    /// The sign-in page, a whole document.
    func signIn(_ view: SignInView) -> String {
        let body = library.render(view, withTemplate: "signin") ?? ""
        return layout(Page(title: "Sign in", section: "", body: body), session: nil, flash: nil, regions: [])
    }
}
