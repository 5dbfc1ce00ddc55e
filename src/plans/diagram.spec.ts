import { escapeXml, formatMs, PlanDiagramInput, renderPlanDiagram } from './diagram';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);

/**
 * A strict little XML reader, enough for what the renderer writes (no comments, CDATA or processing
 * instructions): it throws on a stray `<` or `&`, an unquoted attribute, unbalanced tags or more than one root,
 * which is what an unescaped user name would cause.
 */
function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bare & in text: ${text}`);
    if (text.includes('>')) throw new Error(`bare > in text: ${text}`);
    stack.at(-1)!.text += decode(text);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of rawAttrs.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (k in attrs) throw new Error(`duplicate attribute ${k}`);
        if (/&(?!(amp|lt|gt|quot|apos);)/.test(v)) throw new Error(`bare & in attribute ${k}`);
        attrs[k] = decode(v);
      }
      const el: XmlElement = { name, attrs, children: [], text: '' };
      stack.at(-1)!.children.push(el);
      if (!selfClosing) stack.push(el);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  const [root, ...rest] = stack[0].children;
  if (!root || rest.length > 0 || stack[0].text.trim() !== '') throw new Error('need exactly one root element');
  return root;
}

const all = (el: XmlElement): XmlElement[] => [el, ...el.children.flatMap(all)];
const texts = (root: XmlElement) =>
  all(root)
    .filter((e) => e.name === 'text')
    .map((e) => e.text);
const bars = (root: XmlElement, kind: string) =>
  all(root)
    .filter((e) => e.name === 'g' && e.attrs.class === `bar ${kind}`)
    .map((g) => ({
      title: g.children.find((c) => c.name === 'title')!.text,
      width: Number(g.children.find((c) => c.name === 'rect')!.attrs.width),
      x: Number(g.children.find((c) => c.name === 'rect')!.attrs.x),
    }));

const link = { uplinkMbps: 5.85, downlinkMbps: 13, rttMs: 50 };

function threeTier(): PlanDiagramInput {
  return {
    totalMs: 41.7,
    tiers: [
      { tier: 'end', platform: 'ref-cpu1', computeMs: 3.1, nodes: ['a', 'b'] },
      { tier: 'edge', platform: 'ref-cpu16', computeMs: 12.6, nodes: ['c'] },
      { tier: 'cloud', platform: 'ref-h200', computeMs: 0.3, nodes: ['d'] },
    ],
    transfers: [
      { link: 'end-edge', bytes: 186624, ms: 12.4, tensors: ['t1'] },
      { link: 'edge-cloud', bytes: 4000, ms: 12.1, tensors: ['t2'] },
    ],
    returns: [
      { link: 'end-edge', bytes: 40, ms: 0.6, tensors: ['out'] },
      { link: 'edge-cloud', bytes: 40, ms: 0.6, tensors: ['out'] },
    ],
    returnMs: 1.2,
    baselines: { 'end-only': 120.3, 'edge-only': 60.2, 'cloud-only': 75.9, 'end-edge': 52 },
    network: { links: [link, { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 }] },
  };
}

describe('parseXml, the checker of this spec', () => {
  it.each(['<svg><text>a<b</text></svg>', '<svg><g></svg>', '<svg>a & b</svg>', '<svg x=1/>', '<svg/><svg/>'])(
    'rejects %s',
    (xml) => expect(() => parseXml(xml)).toThrow(),
  );
});

describe('renderPlanDiagram', () => {
  it('writes one well-formed, standalone SVG document with no script or external resource', () => {
    const svg = renderPlanDiagram(threeTier());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs).toMatchObject({ width: expect.any(String), height: expect.any(String) });
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
    expect(svg).not.toMatch(/<script|href=|@import|url\((?!#)/i);
    expect(renderPlanDiagram(threeTier())).toBe(svg);
  });

  it('labels every tier and link lane, the total and the best single tier', () => {
    const labels = texts(parseXml(renderPlanDiagram(threeTier())));
    for (const name of ['end', 'end-edge', 'edge', 'edge-cloud', 'cloud']) expect(labels).toContain(name);
    expect(labels).toContain('Plan: 41.7 ms end to end');
    expect(labels.join('\n')).toMatch(/vs best single tier: 60\.2 ms \(edge-only, 30\.7% faster\)/);
    expect(labels).toEqual(expect.arrayContaining(['12.4 ms', '12.6 ms', '3.10 ms']));
  });

  it('draws the sequential timeline: tier, link, tier, …, then returns from the top link down', () => {
    const root = parseXml(renderPlanDiagram(threeTier()));
    const order = [...bars(root, 'compute'), ...bars(root, 'uplink'), ...bars(root, 'return')]
      .sort((a, b) => a.x - b.x)
      .map((b) => b.title.split(':')[0]);
    expect(order).toEqual([
      'end on ref-cpu1',
      'end-edge uplink',
      'edge on ref-cpu16',
      'edge-cloud uplink',
      'cloud on ref-h200',
      'edge-cloud return to end device',
      'end-edge return to end device',
    ]);
  });

  it('makes bar widths proportional to ms, and still shows a 0 ms bar', () => {
    const plan = threeTier();
    plan.tiers[2].computeMs = 0;
    const root = parseXml(renderPlanDiagram(plan));
    const wide = [...bars(root, 'compute'), ...bars(root, 'uplink')].filter((b) => b.width > 10);
    const ms = (title: string) => Number(/: ([\d.]+) ms/.exec(title)![1]);
    const ratio = wide[0].width / ms(wide[0].title);
    expect(wide.length).toBe(4);
    for (const b of wide) expect(b.width / ms(b.title)).toBeCloseTo(ratio, 1);
    const cloud = bars(root, 'compute').find((b) => b.title.startsWith('cloud'))!;
    expect(cloud.width).toBeGreaterThan(0);
  });

  it('escapes hostile tier, platform and tensor names', () => {
    const plan = threeTier();
    plan.tiers[1].tier = '<script>alert("x")</script>';
    plan.tiers[1].platform = "a&b'c";
    plan.transfers[0].tensors = ['</svg><script>'];
    plan.transfers[0].link = `end-${plan.tiers[1].tier}`;
    const svg = renderPlanDiagram(plan);
    expect(svg).not.toMatch(/<script|<\/script/);
    const root = parseXml(svg);
    const labels = texts(root);
    expect(labels).toContain('<script>alert("x")</script>');
    expect(labels.some((l) => l.startsWith("a&b'c"))).toBe(true);
    expect(bars(root, 'uplink')[0].title).toContain('</svg><script>');
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&apos;');
  });

  it('draws a one-tier plan without links or comparison', () => {
    const plan: PlanDiagramInput = {
      totalMs: 7,
      tiers: [{ tier: 'phone', platform: 'ref-cpu1', computeMs: 7, nodes: ['a'] }],
      transfers: [],
      returns: [],
      returnMs: 0,
      baselines: { 'phone-only': 7 },
      network: { links: [] },
    };
    const root = parseXml(renderPlanDiagram(plan));
    expect(texts(root)).toEqual(expect.arrayContaining(['phone', '7.00 ms']));
    expect(texts(root).join('\n')).not.toMatch(/vs best|uplink transfer/);
    expect(bars(root, 'compute')).toHaveLength(1);
  });

  it('draws an 8-tier plan with one lane per tier and per link, and marks unused tiers', () => {
    const names = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'];
    const plan: PlanDiagramInput = {
      totalMs: 0,
      tiers: names.map((tier, k) => ({
        tier,
        platform: `p${k}`,
        computeMs: k === 3 ? 0 : k + 1,
        nodes: k === 3 ? [] : [`n${k}`],
      })),
      transfers: names.slice(1).map((tier, k) => ({ link: `${names[k]}-${tier}`, bytes: 8, ms: 0.5, tensors: ['x'] })),
      returns: [{ link: 't0-t1', bytes: 4, ms: 0.25, tensors: ['y'] }],
      returnMs: 0.25,
      baselines: {},
      network: { links: names.slice(1).map(() => link) },
    };
    plan.totalMs = 32 - 4 + 7 * 0.5 + 0.25;
    const root = parseXml(renderPlanDiagram(plan));
    const labels = texts(root);
    for (const name of names) expect(labels).toContain(name);
    for (let k = 1; k < 8; k++) expect(labels).toContain(`${names[k - 1]}-${names[k]}`);
    expect(labels.filter((l) => l === 'not used')).toHaveLength(1);
    expect(bars(root, 'compute')).toHaveLength(7);
    expect(bars(root, 'uplink')).toHaveLength(7);
    expect(all(root).filter((e) => e.name === 'g' && e.attrs.class?.startsWith('lane'))).toHaveLength(15);
  });

  it('formats ms for reading at a glance', () => {
    expect([0, 0.00001, 0.0031416, 0.5, 3.14159, 41.66, 120.4].map(formatMs)).toEqual([
      '0 ms',
      '<0.0001 ms',
      '0.0031 ms',
      '0.50 ms',
      '3.14 ms',
      '41.7 ms',
      '120 ms',
    ]);
  });
});
