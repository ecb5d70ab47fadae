import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KilnCore
import KilnServer
import KilnStore
import NIOCore
import Testing

@testable import KilnConsole
@testable import KilnTestSupport

/// A browser's view of the console: its cookie and the CSRF token of the last page.
struct ConsoleBrowser {
    var cookie: String?
    var csrf: String?

    /// The session cookie from a `Set-Cookie` header.
    mutating func keep(_ response: TestResponse) {
        if let header = response.headers[.setCookie], let value = header.split(separator: ";").first {
            cookie = String(value)
        }
    }

    var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { fields[.cookie] = cookie }
        return fields
    }
}

extension TestClientProtocol {
    /// GETs a console page: status, body, and the CSRF token its forms carry.
    func page(_ uri: String, _ browser: inout ConsoleBrowser) async throws -> (status: Int, body: String, location: String?) {
        let response = try await execute(uri: uri, method: .get, headers: browser.headers)
        let body = String(buffer: response.body)
        if let range = body.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) {
            browser.csrf = String(body[range].dropFirst(19).dropLast())
        }
        return (Int(response.status.code), body, response.headers[.location])
    }

    /// POSTs a console form.
    func form(_ uri: String, _ fields: String, _ browser: inout ConsoleBrowser) async throws -> (status: Int, body: String, location: String?) {
        let response = try await execute(uri: uri, method: .post, headers: browser.headers, body: ByteBuffer(string: fields))
        browser.keep(response)
        return (Int(response.status.code), String(buffer: response.body), response.headers[.location])
    }

    /// Signs in through the dev-mode form.
    func signIn(_ account: String, _ browser: inout ConsoleBrowser, region: String = "us-east-1") async throws {
        let answer = try await form("/console/signin", "account=\(account)&region=\(region)", &browser)
        #expect(answer.status == 303)
        #expect(answer.location == "/console/images")
    }
}

@Suite("The web console", .timeLimit(.minutes(2)))
struct ConsoleTests {
    @Test("Every template parses")
    func templatesParse() {
        #expect(PageRenderer().failures.isEmpty, "\(PageRenderer().failures)")
    }

    @Test("Switching the region from a resource's page returns to its list")
    func listPath() {
        #expect(Console.listPath("/console/images/ami-1") == "/console/images")
        #expect(Console.listPath("/console/instances/i-1") == "/console/instances")
        #expect(Console.listPath("/console/storage") == "/console/storage")
    }

    @Test("Forms read + as a space, percent escapes, repeats and checkboxes")
    func formFields() {
        let fields = FormFields("name=web-%2A+one&device=%2Fdev%2Fxvda&device=%2Fdev%2Fsdf&noReboot=on&empty=&size=8")
        #expect(fields["name"] == "web-* one")
        #expect(fields.all("device") == ["/dev/xvda", "/dev/sdf"])
        #expect(fields.isOn("noReboot"))
        #expect(!fields.isOn("missing"))
        #expect(fields.text("empty") == nil)
        #expect(fields.integer("size") == 8)
    }

    @Test("Pages need a session; signing in sets an HttpOnly, SameSite=Strict cookie")
    func signInAndCookie() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            let anonymous = try await client.page("/console/images", &browser)
            #expect(anonymous.status == 303)
            #expect(anonymous.location == "/console/signin")
            let setCookie = try await client.execute(
                uri: "/console/signin",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "account=111111111111")
            ) { $0.headers[.setCookie] ?? "" }
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Path=/console"))
            try await client.signIn("111111111111", &browser)
            let images = try await client.page("/console/images", &browser)
            #expect(images.status == 200)
            #expect(images.body.contains("Account 111111111111"))
            let forged = ConsoleBrowser(cookie: "kiln_console=" + String(repeating: "0", count: 64))
            var copy = forged
            #expect(try await client.page("/console/images", &copy).status == 303, "an unknown session id is no session")
        }
    }

    @Test("A session opened on one node serves the next request on another that shares the store, and ends when idle")
    func sessionsLiveInTheStore() async throws {
        let (cloud, clock) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            var first = ConsoleBrowser()
            try await client.signIn("111111111111", &first)
            let cookie = first.cookie
            try await withKiln(cloud: cloud) { other in
                var second = ConsoleBrowser(cookie: cookie)
                let images = try await other.page("/console/images?region=us-west-2", &second)
                #expect(images.status == 200, "the other node knows the session")
                #expect(images.body.contains("Account 111111111111"))
            }
            let back = try await client.page("/console/images", &first)
            #expect(back.status == 200)
            #expect(back.body.contains(#"<option value="us-west-2" selected>"#), "the region the other node set is the session's")
        }
        try await withKiln(cloud: cloud) { client in
            var idle = ConsoleBrowser()
            try await client.signIn("111111111111", &idle)
            clock.advance(by: SessionTable.idleLimit + 1)
            #expect(try await client.page("/console/images", &idle).status == 303, "an idle session is over")
        }
    }

    @Test("A form without the session's CSRF token is refused and changes nothing")
    func csrf() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let image = try await registerTestImage(cloud, owner, name: "csrf-target")
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            _ = try await client.page("/console/images/\(image)", &browser)
            let token = try #require(browser.csrf)
            let forged = try await client.form(
                "/console/images/\(image)/state",
                "op=disable&region=us-east-1&csrf=\(String(repeating: "a", count: 64))",
                &browser
            )
            #expect(forged.status == 403)
            #expect(forged.body.contains("InvalidCSRFToken"))
            let missing = try await client.form("/console/images/\(image)/state", "op=disable&region=us-east-1", &browser)
            #expect(missing.status == 403)
            var state = try await cloud.images.describeImages(owner, ImageDescription(ids: [image], includeDisabled: true), page: .all)
            #expect(state.images.first?.0.state == .available)
            let real = try await client.form("/console/images/\(image)/state", "op=disable&region=us-east-1&csrf=\(token)", &browser)
            #expect(real.status == 303)
            state = try await cloud.images.describeImages(owner, ImageDescription(ids: [image], includeDisabled: true), page: .all)
            #expect(state.images.first?.0.state == .disabled)
        }
    }

    @Test("A refused action returns to its page and shows the service's error code and message")
    func refusedAction() async throws {
        let (cloud, _) = try makeTestCloud()
        let image = try await registerTestImage(cloud, testCaller(), name: "refused")
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            _ = try await client.page("/console/images/\(image)", &browser)
            let token = try #require(browser.csrf)
            let refused = try await client.form(
                "/console/images/\(image)/deprecate",
                "op=set&at=2001-01-01T00%3A00&region=us-east-1&csrf=\(token)",
                &browser
            )
            #expect(refused.status == 303)
            #expect(refused.location == "/console/images/\(image)")
            let page = try await client.page(refused.location ?? "", &browser)
            #expect(page.body.contains(#"<strong class="code">InvalidParameterValue</strong> The deprecation time must be in the future."#))
            let again = try await client.page("/console/images/\(image)", &browser)
            #expect(!again.body.contains("id=\"flash\""), "a message is shown once")
        }
    }

    @Test("The life-cycle forms protect, deprecate, disable and enable an image through the image service")
    func lifecycleForms() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let image = try await registerTestImage(cloud, owner, name: "life")
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            _ = try await client.page("/console/images/\(image)", &browser)
            let token = try #require(browser.csrf)
            let path = "/console/images/\(image)"
            #expect(try await client.form("\(path)/state", "op=protect&region=us-east-1&csrf=\(token)", &browser).status == 303)
            _ = try await client.form("\(path)/deregister", "deleteSnapshots=on&region=us-east-1&csrf=\(token)", &browser)
            let refused = try await client.page(path, &browser)
            let expected = CloudError.imageDeregistrationProtected(image)
            #expect(refused.body.contains(#"<strong class="code">\#(expected.code)</strong>"#))
            #expect(refused.body.contains(#"<dd id="image-protection">on</dd>"#))
            _ = try await client.form("\(path)/state", "op=unprotect&region=us-east-1&csrf=\(token)", &browser)
            let when = clock.now.addingTimeInterval(3 * 86_400).formatted(.iso8601).prefix(16)
            _ = try await client.form("\(path)/deprecate", "op=set&at=\(when)&region=us-east-1&csrf=\(token)", &browser)
            _ = try await client.form("\(path)/state", "op=disable&region=us-east-1&csrf=\(token)", &browser)
            var shown = try await client.page(path, &browser)
            #expect(shown.body.contains("deprecated at \(when.replacingOccurrences(of: "T", with: " ")) UTC"))
            #expect(shown.body.contains(#"id="image-state">disabled<"#))
            _ = try await client.form("\(path)/state", "op=enable&region=us-east-1&csrf=\(token)", &browser)
            shown = try await client.page(path, &browser)
            #expect(shown.body.contains(#"id="image-state">available<"#))
            let found = try await cloud.images.describeImages(owner, ImageDescription(ids: [image]), page: .all)
            #expect(found.images.first?.0.deprecationTime != nil)
        }
    }

    @Test("Copying with encryption makes an encrypted copy in the destination region")
    func encryptedCopy() async throws {
        let (cloud, _) = try makeTestCloud()
        let image = try await registerTestImage(cloud, testCaller(), name: "to-copy")
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            _ = try await client.page("/console/images/\(image)", &browser)
            let token = try #require(browser.csrf)
            let copied = try await client.form(
                "/console/images/\(image)/copy",
                "destination=eu-west-1&name=copied&encrypted=on&region=us-east-1&csrf=\(token)",
                &browser
            )
            let location = try #require(copied.location)
            #expect(location.hasSuffix("region=eu-west-1"))
            try await cloud.applyDueTransitions()
            let page = try await client.page(location, &browser)
            #expect(page.status == 200)
            #expect(page.body.contains("<td>yes</td>"), "the copy's snapshot is encrypted")
            #expect(page.body.contains(">copy to eu-west-1<"), "the lineage draws the copy from its source")
            #expect(page.body.contains(image), "the lineage names the source")
        }
    }

    @Test("Instances list, stop through the form, and report their state and console output as JSON; storage and groups pages draw")
    func instancesAndStorage() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let image = try await registerTestImage(cloud, owner, name: "runner")
        var data = LaunchTemplateData()
        data.imageID = image
        data.instanceType = "t3.micro"
        let instance = try #require(
            try await cloud.instances.runInstances(owner, LaunchRequest(data: data, minCount: 1, maxCount: 1)).instances.first
        )
        try await cloud.applyDueTransitions()
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            let list = try await client.page("/console/instances", &browser)
            #expect(list.body.contains(instance.id))
            #expect(list.body.contains(image))
            let status = try await client.page("/console/instances/\(instance.id)/status", &browser)
            let decoded = try JSONDecoder().decode(InstanceStatus.self, from: Data(status.body.utf8))
            #expect(decoded.state == "running")
            #expect(decoded.live)
            let page = try await client.page("/console/instances/\(instance.id)", &browser)
            #expect(page.body.contains("data-poll=\"/console/instances/\(instance.id)/status"))
            let token = try #require(browser.csrf)
            let stopped = try await client.form("/console/instances/\(instance.id)/state", "op=stop&region=us-east-1&csrf=\(token)", &browser)
            #expect(stopped.status == 303)
            try await cloud.applyDueTransitions()
            #expect(try await cloud.instances.instance(owner, id: instance.id).state == .stopped)
            var stranger = ConsoleBrowser()
            try await client.signIn("222222222222", &stranger)
            let hidden = try await client.page("/console/instances/\(instance.id)/status", &stranger)
            #expect(hidden.status == 404 || hidden.status == 400)
            #expect(hidden.body.contains("InvalidInstanceID"))
            let storage = try await client.page("/console/storage", &browser)
            #expect(storage.body.contains(#"id="storage-chart""#))
            #expect(storage.body.contains(#"id="cost-chart""#))
            let groups = try await client.page("/console/autoscaling", &browser)
            #expect(groups.body.contains("No Auto Scaling groups in us-east-1."))
        }
    }

    @Test("Strict sign-in checks the secret against the configured keys")
    func strictSignIn() async throws {
        let identity = IdentityDirectory(accounts: [
            .init(id: try #require(AccountID("111111111111")), accessKeys: [.init(accessKeyId: "AKIACONSOLE", secretAccessKey: "right")])
        ])
        let (cloud, _) = try makeTestCloud(identity: identity)
        try await withKiln(cloud: cloud, auth: .strict) { client in
            var browser = ConsoleBrowser()
            let form = try await client.page("/console/signin", &browser)
            #expect(form.body.contains("secretAccessKey"))
            #expect(!form.body.contains("name=\"account\""), "strict mode does not offer to choose an account")
            let wrong = try await client.form("/console/signin", "accessKeyId=AKIACONSOLE&secretAccessKey=wrong", &browser)
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("AuthFailure"))
            #expect(browser.cookie == nil)
            let unknown = try await client.form("/console/signin", "accessKeyId=AKIANOBODY&secretAccessKey=right", &browser)
            #expect(unknown.status == 401)
            let chosen = try await client.form("/console/signin", "account=111111111111", &browser)
            #expect(chosen.status == 401, "an account alone does not sign in when signatures are checked")
            let right = try await client.form("/console/signin", "accessKeyId=AKIACONSOLE&secretAccessKey=right", &browser)
            #expect(right.status == 303)
            #expect(try await client.page("/console/images", &browser).body.contains("Account 111111111111"))
        }
    }

    @Test("Another account's private image is NotFound, as in the API; the owner sees its snapshot sizes")
    func privateImage() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let image = try await registerTestImage(cloud, owner, name: "private-one")
        try await withKiln(cloud: cloud) { client in
            var stranger = ConsoleBrowser()
            try await client.signIn("222222222222", &stranger)
            let hidden = try await client.page("/console/images/\(image)", &stranger)
            #expect(hidden.status == 404)
            #expect(hidden.body.contains("InvalidAMIID.NotFound"))
            #expect(hidden.body.contains(CloudError.imageNotFound([image]).message.replacingOccurrences(of: "'", with: "&#39;")))
            #expect(!hidden.body.contains("private-one"))
            let listed = try await client.page("/console/images?scope=public", &stranger)
            #expect(!listed.body.contains(image))
            var ownerBrowser = ConsoleBrowser()
            try await client.signIn("111111111111", &ownerBrowser)
            let shown = try await client.page("/console/images/\(image)", &ownerBrowser)
            #expect(shown.status == 200)
            #expect(shown.body.contains("private-one"))
            #expect(shown.body.contains(#"<td class="snapshot-size">1 GiB</td>"#))
            #expect(shown.body.contains("lineage-svg"))
            #expect(shown.body.contains(#"id="hygiene-summary">No findings in 1 volume(s).<"#), "a small image is inspected with its page")
        }
    }

    @Test("The images list filters by a name with wildcards and pages in the store's order")
    func imagesList() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        for index in 0..<60 { _ = try await registerTestImage(cloud, owner, name: "web-\(index)") }
        _ = try await registerTestImage(cloud, owner, name: "db-1")
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            let filtered = try await client.page("/console/images?name=db-%2A", &browser)
            #expect(filtered.body.contains(">db-1<"))
            #expect(!filtered.body.contains(">web-1<"))
            let first = try await client.page("/console/images", &browser)
            #expect(first.body.components(separatedBy: "class=\"image-link\"").count - 1 == Console.imagesPerPage)
            let next = try #require(first.body.range(of: #"href="[^"]*token=[^"]*" rel="next""#, options: .regularExpression))
            let link = String(first.body[next].dropFirst(6).prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            let second = try await client.page(link, &browser)
            #expect(second.body.components(separatedBy: "class=\"image-link\"").count - 1 == 11)
            let bad = try await client.page("/console/images?token=forged", &browser)
            #expect(bad.status == 400)
            #expect(bad.body.contains("InvalidPaginationToken") || bad.body.contains("InvalidParameterValue"))
        }
    }

    @Test("The images list sorts by name across its pages, and a page token keeps to its order")
    func imagesSortedAcrossPages() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let names = (0..<60).map { "web-\($0)" }
        for name in names { _ = try await registerTestImage(cloud, owner, name: name) }
        @Sendable func listed(_ body: String) -> [String] {
            body.components(separatedBy: #"class="image-link">"#).dropFirst().map { String($0.prefix { $0 != "<" }) }
        }
        @Sendable func nextLink(_ body: String) throws -> String {
            let next = try #require(body.range(of: #"href="[^"]*token=[^"]*" rel="next""#, options: .regularExpression))
            return String(body[next].dropFirst(6).prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
        }
        try await withKiln(cloud: cloud) { client in
            var browser = ConsoleBrowser()
            try await client.signIn("111111111111", &browser)
            let first = try await client.page("/console/images?sort=-name", &browser)
            #expect(first.body.contains(#"aria-sort="descending"><a href="/console/images?scope=own&amp;sort=name" id="sort-name""#))
            let link = try nextLink(first.body)
            let second = try await client.page(link, &browser)
            let sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(listed(first.body) + listed(second.body) == Array(sorted.reversed()))
            let otherOrder = try await client.page(link.replacingOccurrences(of: "sort=-name", with: "sort=name"), &browser)
            #expect(otherOrder.status == 400, "a token of one order does not continue another")
            let newest = try await client.page("/console/images?sort=-created", &browser)
            #expect(listed(newest.body).first == "web-59")
        }
    }

    @Test("The lineage draws each image and instance once, with the call that joined them")
    func lineageDrawing() {
        var graph = LineageGraph()
        let source = graph.add(.init(kind: .image, id: "ami-1", label: "base", region: "us-east-1", href: "/console/images/ami-1", column: 0, row: 0))
        let instance = graph.add(.init(kind: .instance, id: "i-1", label: "t3.micro", region: "us-east-1", href: nil, column: 1, row: 0))
        let made = graph.add(.init(kind: .image, id: "ami-2", label: "made <here>", region: "us-east-1", isCurrent: true, column: 2, row: 0))
        let copy = graph.add(.init(kind: .image, id: "ami-3", label: "copy", region: "us-west-2", href: "/x", column: 3, row: 0))
        graph.connect(source, instance)
        graph.connect(instance, made)
        graph.connect(made, copy)
        let svg = LineageDrawing.svg(graph)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains(">launched<"))
        #expect(svg.contains(">create image<"))
        #expect(svg.contains(">copy to us-west-2<"))
        #expect(svg.contains("made &lt;here&gt;"), "labels are escaped")
        #expect(svg.components(separatedBy: "<rect").count - 1 == 4)
        #expect(svg.contains(#"stroke-dasharray"#), "a node the account may not open is dashed")
    }

    @Test("A large image's volumes are read for findings only when asked")
    func deferredInspection() {
        let image = Image(id: "ami-0123456789abcdef0", owner: .defaultAccount, region: "eu-west-1", name: "big", creationDate: Date())
        let view = HygieneView(deferredFor: image, dataBytes: 2_000_000_000)
        #expect(view.inspectHref == "/console/images/ami-0123456789abcdef0?region=eu-west-1&inspect=on")
        #expect(view.summary?.contains("2.00 GB") == true)
        #expect(Console.inspectedWithThePage < 2_000_000_000)
    }

    @Test("Bar charts scale to the largest value and say their values in text")
    func barChart() {
        let chart = BarChart(
            id: "c",
            title: "Storage",
            bars: [.init(label: "us-east-1", value: 100, text: "100 GB"), .init(label: "eu-west-1", value: 50, text: "50 GB", highlighted: true)]
        )
        let svg = chart.svg()
        #expect(svg.contains(#"width="\#(BarChart.width - BarChart.labelWidth - BarChart.valueWidth)""#))
        #expect(svg.contains(#"width="\#((BarChart.width - BarChart.labelWidth - BarChart.valueWidth) / 2)""#))
        #expect(svg.contains("us-east-1: 100 GB; eu-west-1: 50 GB"))
        #expect(svg.contains("#b3261e"))
    }
}
