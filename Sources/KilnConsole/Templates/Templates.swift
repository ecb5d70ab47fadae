/// The console's mustache templates, compiled into the binary. `{{x}}` escapes HTML;
/// `{{{x}}}` is used only for HTML and SVG the console drew itself.
enum Templates {
    /// Every template, by name.
    static let all: [(String, String)] = [
        ("layout", layout), ("error", error), ("signin", signIn), ("images", images), ("image", image), ("instances", instances),
        ("instance", instance), ("storage", storage), ("autoscaling", autoScaling), ("sortHeader", sortHeader),
    ]
}
