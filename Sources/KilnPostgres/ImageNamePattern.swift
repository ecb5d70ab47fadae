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

    /// The names a pattern can match lie in `low..<high`: `low` is the literal text before the
    /// first wildcard, and `high` is that text with its last character replaced by the next
    /// one (the "C" collation compares bytes, which keeps code-point order). `nil` when the
    /// pattern begins with a wildcard.
    static func prefixRange(of pattern: String) -> (low: String, high: String)? {
        var prefix = String.UnicodeScalarView()
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                prefix.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "*" || scalar == "?" {
                break
            } else {
                prefix.append(scalar)
            }
        }
        if escaped { prefix.append("\\") }
        var high = prefix
        while let last = high.popLast() {
            let following = last.value == 0xD7FF ? Unicode.Scalar(0xE000 as UInt32) : Unicode.Scalar(last.value + 1)
            if let following {
                high.append(following)
                return (String(prefix), String(high))
            }
        }
        return nil
    }
}
