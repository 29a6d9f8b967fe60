import { html, type Html } from './html.ts';

/**
 * A task graph drawn as SVG, left to right: each task in the column after its furthest upstream task, ordered within
 * its column by where its upstream tasks stand, with an arrow from each upstream task. Each node is a link (to the
 * task's details) coloured by status, which it also states in words.
 */

export interface GraphNode {
  id: string;
  upstream: string[];
  status: string;
  title: string;
  /** Up to three short lines under the title. */
  lines: string[];
  /** What the node says to a screen reader. */
  label: string;
  href: string;
  /** A start or end of the graph: drawn narrower, as it says less. */
  compact?: boolean;
}

const W = 210;
const COMPACT_W = 120;
const H = 82;
const GAP_X = 48;
const GAP_Y = 16;
const PAD = 8;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const widthOf = (node: GraphNode) => (node.compact ? COMPACT_W : W);

/** The column of each node: one after its furthest upstream node. */
function columnsOf(nodes: GraphNode[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const column = new Map<string, number>();
  const visit = (node: GraphNode): number => {
    const known = column.get(node.id);
    if (known !== undefined) return known;
    const upstream = node.upstream.flatMap((id) => byId.get(id) ?? []);
    const value = upstream.length === 0 ? 0 : 1 + Math.max(...upstream.map(visit));
    column.set(node.id, value);
    return value;
  };
  nodes.forEach(visit);
  return column;
}

/** Positions: a column per graph depth, as wide as its widest node, each node near the mean row of its upstream nodes. */
export function layout(nodes: GraphNode[]): { positions: Map<string, { x: number; y: number }>; width: number; height: number } {
  const column = columnsOf(nodes);
  const columns: GraphNode[][] = [];
  for (const node of nodes) (columns[column.get(node.id) as number] ??= []).push(node);
  const row = new Map<string, number>();
  for (const members of columns) {
    const meanRow = (node: GraphNode) => {
      const rows = node.upstream.flatMap((id) => row.get(id) ?? []);
      return rows.length === 0 ? 0 : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const ordered = members.map((node, i) => ({ node, key: meanRow(node), i })).sort((a, b) => a.key - b.key || a.i - b.i);
    ordered.forEach(({ node }, i) => row.set(node.id, i));
  }
  const tallest = Math.max(1, ...columns.map((members) => members.length));
  const positions = new Map<string, { x: number; y: number }>();
  let x = PAD;
  for (const members of columns) {
    const offset = ((tallest - members.length) * (H + GAP_Y)) / 2;
    for (const node of members) positions.set(node.id, { x, y: PAD + offset + (row.get(node.id) as number) * (H + GAP_Y) });
    x += Math.max(...members.map(widthOf)) + GAP_X;
  }
  return { positions, width: x - GAP_X + PAD, height: 2 * PAD + tallest * (H + GAP_Y) - GAP_Y };
}

export function taskGraphSvg(nodes: GraphNode[], selectedId: string | undefined): Html {
  const { positions, width, height } = layout(nodes);
  const at = (id: string) => positions.get(id) as { x: number; y: number };
  const edges = nodes.flatMap((node) =>
    node.upstream.flatMap((from) => {
      if (!positions.has(from)) return [];
      const source = nodes.find((n) => n.id === from) as GraphNode;
      const a = { x: at(from).x + widthOf(source), y: at(from).y + H / 2 };
      const b = { x: at(node.id).x - 4, y: at(node.id).y + H / 2 };
      return [html`<path class="edge" d="M${a.x} ${a.y} C${a.x + GAP_X / 2} ${a.y} ${b.x - GAP_X / 2} ${b.y} ${b.x} ${b.y}" marker-end="url(#arrow)"/>`];
    }),
  );
  const drawn = nodes.map((node) => {
    const { x, y } = at(node.id);
    const chars = node.compact ? 17 : 30;
    const selected = node.id === selectedId ? ' selected' : '';
    return html`<a href="${node.href}" class="node status-${node.status}${selected}" data-task-id="${node.id}" aria-label="${node.label}"${selected ? html` aria-current="true"` : ''}>
<title>${node.label}</title>
<rect x="${x}" y="${y}" width="${widthOf(node)}" height="${H}" rx="${node.compact ? 20 : 6}"/>
<text x="${x + 10}" y="${y + 20}" class="node-title">${clip(node.title, chars - 3)}</text>
${node.lines.slice(0, 3).map((line, i) => html`<text x="${x + 10}" y="${y + 38 + i * 16}" class="node-line">${clip(line, chars)}</text>`)}
</a>`;
  });
  return html`<svg class="task-graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="Task graph: each task, with arrows from the tasks it waits for">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="arrow-head"/></marker></defs>
${edges}
${drawn}
</svg>`;
}
