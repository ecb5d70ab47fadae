extension Templates {
    static let images = #"""
        {{#page}}
        <h1>Images <span class="sub">in {{region}}</span></h1>
        <nav aria-label="Which images" class="tabs"><ul>{{#scopes}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/scopes}}</ul></nav>
        <form method="get" action="/console/images" class="filters" role="search" aria-label="Filter images">
        <input type="hidden" name="scope" value="{{scope}}">
        <div class="field"><label for="f-name">Name (<code>*</code> and <code>?</code> match any text and any character)</label>
        <input id="f-name" name="name" value="{{name}}" placeholder="web-*"></div>
        <div class="field"><label for="f-owner">Owner (account or alias)</label><input id="f-owner" name="owner" value="{{owner}}" placeholder="123456789012"></div>
        <div class="field"><label for="f-arch">Architecture</label>
        <select id="f-arch" name="architecture">{{#architectures}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/architectures}}</select></div>
        <div class="field"><label for="f-platform">Platform</label>
        <select id="f-platform" name="platform">{{#platforms}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/platforms}}</select></div>
        <div class="field"><label for="f-state">State</label>
        <select id="f-state" name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}</select></div>
        <div class="field"><label for="f-tag">Tag (<code>key</code> or <code>key=value</code>)</label><input id="f-tag" name="tag" value="{{tag}}"></div>
        <div class="field"><label for="f-sort">Sort by</label>
        <select id="f-sort" name="sort">{{#sorts}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sorts}}</select></div>
        <div class="field check"><input type="checkbox" id="f-deprecated" name="deprecated" value="on"{{#includeDeprecated}} checked{{/includeDeprecated}}>
        <label for="f-deprecated">Include deprecated images</label></div>
        <div class="buttons"><button type="submit" class="primary" id="apply-filters">Apply filters</button> <a href="/console/images?scope={{scope}}">Clear</a></div>
        </form>
        <p class="meta" id="images-meta">{{shown}} on this page, read in {{elapsed}}; order: {{sortLabel}}, kept across pages.</p>
        {{#hasRows}}
        <div class="scroll"><table id="images-table">
        <caption>Images, {{scopeLabel}}</caption>
        <thead><tr>{{#nameHeader}}{{> sortHeader}}{{/nameHeader}}{{#idHeader}}{{> sortHeader}}{{/idHeader}}<th scope="col">Owner</th><th scope="col">State</th>
        <th scope="col">Architecture</th><th scope="col">Platform</th>{{#createdHeader}}{{> sortHeader}}{{/createdHeader}}<th scope="col">Visibility</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td><a href="{{href}}" class="image-link">{{name}}</a></td><td class="mono">{{id}}</td><td>{{owner}}{{#ownerAlias}} ({{.}}){{/ownerAlias}}</td>
        <td><span class="state state-{{state}}">{{state}}</span>{{#deprecated}} <span class="badge">deprecated</span>{{/deprecated}}</td>
        <td>{{architecture}}</td><td>{{platform}}</td><td><time>{{created}}</time></td><td>{{visibility}}</td></tr>
        {{/rows}}
        </tbody></table></div>
        {{/hasRows}}
        {{^hasRows}}<p class="empty" id="no-images">No images match.</p>{{/hasRows}}
        <nav aria-label="Pages" class="pager">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}} {{#nextHref}}<a href="{{.}}" rel="next" id="next-page">Next page</a>{{/nextHref}}</nav>
        {{/page}}
        """#
}

extension Templates {
    /// A column heading that orders the images list.
    static let sortHeader = #"""
        <th scope="col"{{#ariaSort}} aria-sort="{{.}}"{{/ariaSort}}><a href="{{href}}" id="{{id}}" class="sort-link">{{label}}</a>{{#indicator}} <span aria-hidden="true">{{.}}</span>{{/indicator}}</th>
        """#
}
