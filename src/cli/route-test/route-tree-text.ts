/**
 * The routing tree as amtool prints it (`config routes show`, and `config routes test --tree`),
 * byte for byte: a `.` root, box-drawing edges, each route as its sorted matchers
 * (`{a="1",b=~"x"}`) or `default-route` when it has none, then `  continue: true` and
 * `  receiver: NAME`. The matching tree shows only the routes an alert walks through, with the
 * receiver on the routes it ends at.
 */
import { formatMatchers, matchersMatch, type LabelSet, type Route } from '../../core/alerting/index.js';

interface TreeNode {
  text: string;
  children: TreeNode[];
}

// amtool's tree library draws the vertical link with two no-break spaces after it.
const link = '\u2502\u00a0\u00a0 ';
const blank = '    ';

function routeLabel(route: Route, options: { continue: boolean; receiver: boolean }): string {
  let text = route.matchers.length === 0 ? 'default-route' : formatMatchers(route.matchers);
  if (options.continue && route.continue) text += '  continue: true';
  if (options.receiver) text += `  receiver: ${route.receiver}`;
  return text;
}

function renderNodes(nodes: readonly TreeNode[], prefix: string, out: string[]): void {
  nodes.forEach((node, index) => {
    const last = index === nodes.length - 1;
    const childPrefix = prefix + (last ? blank : link);
    // A value with line breaks continues under its own edge, as the tree library pads it.
    out.push(`${prefix}${last ? '\u2514\u2500\u2500' : '\u251c\u2500\u2500'} ${node.text.split('\n').join(`\n${childPrefix}`)}`);
    renderNodes(node.children, childPrefix, out);
  });
}

function renderTree(root: TreeNode): string {
  const out = ['.'];
  renderNodes([root], '', out);
  return `${out.join('\n')}\n`;
}

function fullTree(route: Route): TreeNode {
  return { text: routeLabel(route, { continue: true, receiver: true }), children: route.routes.map(fullTree) };
}

/** Walks like `matchRoutes`, keeping the path: receivers show where the walk ends. */
function matchingTree(route: Route, labels: LabelSet): TreeNode {
  const children: TreeNode[] = [];
  for (const child of route.routes) {
    if (!matchersMatch(child.matchers, labels)) continue;
    children.push(matchingTree(child, labels));
    if (!child.continue) break;
  }
  return { text: routeLabel(route, { continue: false, receiver: children.length === 0 }), children };
}

/** `amtool config routes show` output. */
export function formatRoutingTree(root: Route): string {
  return `Routing tree:\n${renderTree(fullTree(root))}\n`;
}

/** The part `amtool config routes test --tree` prints before the receivers line. */
export function formatMatchingTree(root: Route, labels: LabelSet): string {
  return `Matching routes:\n${renderTree(matchingTree(root, labels))}\n\n`;
}
