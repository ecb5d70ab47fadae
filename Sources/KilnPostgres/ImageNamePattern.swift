/// EC2's name wildcards (`*`, `?`, with `\` quoting either) in PostgreSQL's terms.
enum ImageNamePattern {
    /// The pattern as a LIKE pattern, whose escape character is `\`: `*` becomes `%`, `?`
    /// becomes `_`, and a literal `%`, `_` or `\` is quoted.
    static func like(_ pattern: String) -> String {
        var output = ""
        var escaped = false
        for character in pattern {
            if escaped {
                output += literal(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" {
                output += "%"
            } else if character == "?" {
                output += "_"
            } else {
                output += literal(character)
            }
        }
        if escaped { output += "\\\\" }  // a trailing backslash stands for itself
        return output
    }

    private static func literal(_ character: Character) -> String {
        character == "%" || character == "_" || character == "\\" ? "\\\(character)" : String(character)
    }
}
