/// An EC2 filter value with wildcards: `*` matches any text, `?` any one character, and a
/// backslash makes the character after it literal.
package enum WildcardPattern {
    /// The names an EC2 wildcard pattern can match lie in `low..<high`: `low` is the literal
    /// text before the first `*` or `?`, and `high` is that text with its last character
    /// replaced by the next one (stores compare text by its UTF-8 bytes, which keeps code-point
    /// order). `nil` when the pattern begins with a wildcard.
    package static func prefixRange(of pattern: String) -> (low: String, high: String)? {
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
        if escaped { prefix.append("\\") }  // a trailing backslash stands for itself, as in glob(_:)
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
