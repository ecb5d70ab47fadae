import KilnCore

/// The sign-in form.
struct SignInView {
    var chooseAccount: Bool
    var accessKey: Bool
    var accounts: [String]
    var defaultAccount: String
    var regions: [Option]
    var problem: ProblemView?

    init(mode: ConsoleSignIn, accounts: [String], problem: Problem?, regions: [String] = RegionCatalog.defaultEnabled.map(\.rawValue)) {
        chooseAccount = mode == .chooseAccount
        accessKey = mode == .accessKey
        self.accounts = accounts
        defaultAccount = accounts.first ?? ""
        self.regions = regions.map { Option(value: $0, label: $0, selected: $0 == "us-east-1") }
        self.problem = problem.map { ProblemView(code: $0.code, message: $0.message) }
    }
}
