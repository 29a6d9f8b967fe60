import { expect } from 'chai';
import { maskIdentity, timeLeft } from '../../src/http/dashboard/format.ts';
import { html } from '../../src/http/dashboard/html.ts';
import { layout, taskGraphSvg, type GraphNode } from '../../src/http/dashboard/task-graph.ts';

/** The parts of the dashboard that need no browser: the graph layout, escaping, and how identities and time are shown. */

const node = (id: string, upstream: string[] = [], title = id): GraphNode => ({
  id,
  upstream,
  status: 'pending',
  title,
  lines: ['pending'],
  label: `${title}: pending`,
  href: `?task=${id}`,
});

describe('dashboard rendering', function () {
  it('lays a graph out in columns by depth, each node after its furthest upstream node', function () {
    const nodes = [node('root'), node('a', ['root']), node('b', ['root']), node('c', ['a']), node('end', ['c', 'b'])];
    const { positions, width, height } = layout(nodes);
    const column = (id: string) => positions.get(id)!.x;
    expect(column('root')).to.be.below(column('a'));
    expect(column('a')).to.equal(column('b'));
    expect(column('c')).to.be.above(column('b'));
    expect(column('end')).to.be.above(column('c'));
    expect(positions.get('a')!.y).to.not.equal(positions.get('b')!.y);
    expect(width).to.be.above(column('end'));
    expect(height).to.be.above(positions.get('b')!.y);
  });

  it('draws a node per task and an arrow per edge, each node a link that says its state', function () {
    const svg = taskGraphSvg([node('root'), node('a', ['root']), node('end', ['a'])], 'a').text;
    expect(svg.match(/<a href=/g)).to.have.length(3);
    expect(svg.match(/class="edge"/g)).to.have.length(2);
    expect(svg).to.include('class="node status-pending selected" data-task-id="a" aria-label="a: pending" aria-current="true"');
  });

  it('escapes every value it is given, and clips long names', function () {
    const svg = taskGraphSvg([node('x"><script>', [], '<img src=x onerror=alert(1)>a-very-long-collection-name')], undefined).text;
    expect(svg).to.not.include('<script>');
    expect(svg).to.not.include('<img');
    expect(svg).to.include('>&lt;img src=x onerror=alert(1…</text>');
    expect(html`<p title="${'"&\''}">${html`<b>${'<i>'}</b>`}</p>`.text).to.equal('<p title="&quot;&amp;&#39;"><b>&lt;i&gt;</b></p>');
  });

  it('masks identities, keeping the first character of each part', function () {
    expect(maskIdentity('jane@example.com')).to.equal('j***@e***.com');
    expect(maskIdentity('j@localhost')).to.equal('j***@l***');
    expect(maskIdentity('+15551234567')).to.equal('+1***67');
    expect(maskIdentity('12345')).to.equal('***');
  });

  it('says how much time is left in words', function () {
    expect(timeLeft(null)).to.equal('—');
    expect(timeLeft(12)).to.equal('12 days left');
    expect(timeLeft(1)).to.equal('1 day left');
    expect(timeLeft(0)).to.equal('under a day left');
    expect(timeLeft(-1)).to.equal('1 day overdue');
    expect(timeLeft(-3)).to.equal('3 days overdue');
  });
});
