// The peer: the Neo4j GraphQL Library on Apollo Server over the bench database.
// Only our type definitions and glue live here; npm installs the library (package-lock.json).
//
// Its @authorization rules mirror hub/access/policy.py for the types the workloads read: a type is
// readable by the roles of TYPE_READERS, and a token's `rows` claim (minted by bench/tokens.py)
// says which row rule applies: "all", "district" (BY_DISTRICT with the `district` claim) or
// "enterprise" (BY_ENTERPRISE with the `enterprise` claim). Each jwt `where` holds one condition.
import http from "node:http";
import net from "node:net";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const READ = "operations: [READ]";
const readers = (roles) =>
  `validate: [{ when: [BEFORE], ${READ}, where: { jwt: { role: { in: ${JSON.stringify(roles)} } } } }]`;
const rows = (district, enterprise) => {
  const rules = [`{ ${READ}, where: { jwt: { rows: { eq: "all" } } } }`];
  rules.push(
    district
      ? `{ ${READ}, where: { jwt: { rows: { eq: "district" } }, node: ${district} } }`
      : "",
  );
  rules.push(
    enterprise
      ? `{ ${READ}, where: { jwt: { rows: { eq: "enterprise" } }, node: ${enterprise} } }`
      : "",
  );
  return `filter: [${rules.filter(Boolean).join(", ")}]`;
};
const auth = (roles, district, enterprise) =>
  `@authorization(${readers(roles)}, ${rows(district, enterprise)})`;

// W4 and W5: the same hand-written statements as raw (bench/systems/raw_more.py, passed in by the
// launcher). The role check is written into the Cypher, because @authorization does not apply to
// a custom Cypher field's rows (one of the library's known weak spots): only the market role
// unbound is expressed (the row rules of a binding would have to be written into each statement).
const TRACE_ROLES = JSON.stringify(["market", "housing", "transport", "police", "emergency", "enterprise"]);
// "Today" and "now" are the hub clock's, as claims of the bench's token (bench/tokens.py).
const clocked = (statement) =>
  statement.replaceAll("$today", "$jwt.today").replaceAll("$now", "$jwt.now");
const guarded = (statement, extra = "") =>
  `WITH 1 AS guard WHERE $jwt.role IN ${TRACE_ROLES} AND $jwt.rows = "all"${extra}\n` +
  clocked(statement);
const W4_CYPHER = guarded(process.env.PEER_W4_CYPHER || "RETURN null AS result");
const W5_CYPHER = guarded(
  process.env.PEER_W5_CYPHER || "RETURN null AS result",
  ` AND "investigate" IN split($jwt.scopes, " ")`,
);
// W7: raw's UNWIND as a @cypher mutation. The generated createFillings cannot connect a filling
// to its cylinder and station here (the generated input offers `create` only), so the writer's
// station and owner checks are in the statement, with the jwt's enterprise.
const W7_CYPHER = `WITH 1 AS guard WHERE $jwt.role = "enterprise"\n` +
  clocked(process.env.PEER_W7_CYPHER || "RETURN null AS result")
    .replaceAll("$se", "$jwt.enterprise")
    .replaceAll("$sub", "$jwt.sub");
const block = (s) => JSON.stringify(s);

// The bench's fix to the peer, as its users should run it in production: neo4j-driver 5.28 opens
// its Bolt sockets without TCP_NODELAY, so a message written in more than one chunk waits for the
// server's delayed ACK (~40 ms on Linux) under Nagle's algorithm; every statement longer than one
// chunk stalled. Turning Nagle off on the driver's sockets is what a production deployment does
// (the hub's Python driver has it on by default). The driver calls `net.connect` of this module.
const connect = net.connect;
net.connect = (...args) => connect(...args).setNoDelay(true);

// TYPE_READERS of hub/access/policy.py for the types below.
const ALL = ["market", "enterprise"];
const R = {
  Enterprise: [...ALL, "housing", "transport", "police", "emergency"],
  Cylinder: [...ALL, "housing", "transport", "police", "emergency"],
  Household: [...ALL, "housing", "police", "emergency"],
  Vehicle: [...ALL, "transport", "police", "emergency"],
  Delivery: [...ALL, "housing", "transport", "police", "emergency"],
  Filling: [...ALL, "housing", "emergency"],
  Inspection: ALL,
  Product: ALL,
  Sale: ALL,
};
const D = '"$jwt.district"';
const E = '"$jwt.enterprise"';

export const typeDefs = `#graphql
  type JWT @jwt {
    role: String, rows: String, district: String, enterprise: String, scopes: String
    today: String, now: String
  }

  type Enterprise @node ${auth(R.Enterprise, `{ district: { eq: ${D} } }`, `{ uscc: { eq: ${E} } }`)} {
    uscc: String!
    name: String
    kind: String
    district: String
  }

  type Household @node ${auth(
    R.Household,
    `{ district: { eq: ${D} } }`,
    `{ supplier: { uscc: { eq: ${E} } } }`,
  )} {
    householdId: String! @alias(property: "id")
    district: String
    street: String
    supplier: Enterprise @relationship(type: "CUSTOMER_OF", direction: OUT)
  }

  type Vehicle @node ${auth(
    R.Vehicle,
    `{ operator: { district: { eq: ${D} } } }`,
    `{ operator: { uscc: { eq: ${E} } } }`,
  )} {
    plate: String!
    kind: String
    operator: Enterprise @relationship(type: "OPERATED_BY", direction: OUT)
  }

  type Cylinder @node ${auth(R.Cylinder, null, `{ owner: { uscc: { eq: ${E} } } }`)} {
    code: String!
    status: String
    model: String
    nextInspection: Date
    owner: Enterprise @relationship(type: "OWNED_BY", direction: OUT)
    location: Household @relationship(type: "LOCATED_AT", direction: OUT)
    fillings: [Filling!]! @relationship(type: "OF", direction: IN)
    deliveries: [Delivery!]! @relationship(type: "OF", direction: IN)
    inspections: [Inspection!]! @relationship(type: "OF", direction: IN)
  }

  type Filling @node ${auth(R.Filling, `{ station: { district: { eq: ${D} } } }`, `{ station: { uscc: { eq: ${E} } } }`)} {
    eventId: String!
    time: DateTime
    quantityKg: Float
    station: Enterprise @relationship(type: "AT", direction: OUT)
  }

  type Inspection @node ${auth(R.Inspection, null, `{ agency: { uscc: { eq: ${E} } } }`)} {
    eventId: String!
    time: DateTime
    result: String
    agency: Enterprise @relationship(type: "BY", direction: OUT)
  }

  type Delivery @node ${auth(
    R.Delivery,
    `{ OR: [{ household: { district: { eq: ${D} } } }, { supplier: { district: { eq: ${D} } } }] }`,
    `{ supplier: { uscc: { eq: ${E} } } }`,
  )} {
    eventId: String!
    time: DateTime
    cylinder: Cylinder @relationship(type: "OF", direction: OUT)
    supplier: Enterprise @relationship(type: "FROM", direction: OUT)
    household: Household @relationship(type: "TO", direction: OUT)
    vehicle: Vehicle @relationship(type: "VIA", direction: OUT)
  }

  type Product @node ${auth(R.Product, `{ producer: { district: { eq: ${D} } } }`, `{ producer: { uscc: { eq: ${E} } } }`)} {
    traceCode: String!
    name: String
    category: String
    producer: Enterprise @relationship(type: "PRODUCED_BY", direction: OUT)
  }

  type TraceNode { id: ID }
  type TimelineEntry { kind: String, date: String, time: String, status: String, node: TraceNode }
  type CylinderFlag { kind: String, date: String, time: String, event: ID }
  type CylinderTrace { timeline: [TimelineEntry!]!, flags: [CylinderFlag!]! }
  type PathEdge { from: ID, to: ID, type: String }
  type Subgraph { nodes: [TraceNode!]!, edges: [PathEdge!]! }

  input FillingItem { eventId: String!, cylinder: String!, time: String!, quantityKg: Float! }
  type WriteCount { written: Int, failed: Int }
  type Mutation {
    recordFillings(items: [FillingItem!]!): WriteCount
      @cypher(statement: ${block(W7_CYPHER)}, columnName: "result")
  }

  type Query {
    traceCylinder(code: String!): CylinderTrace
      @cypher(statement: ${block(W4_CYPHER)}, columnName: "result")
    shortestPath(from: ID!, to: ID!): Subgraph
      @cypher(statement: ${block(W5_CYPHER)}, columnName: "result")
  }

  type Sale @node ${auth(R.Sale, `{ seller: { district: { eq: ${D} } } }`, `{ seller: { uscc: { eq: ${E} } } }`)} {
    eventId: String!
    time: DateTime
    quantityKg: Float
    priceYuan: Float
    product: Product @relationship(type: "OF", direction: OUT)
    seller: Enterprise @relationship(type: "AT", direction: OUT)
  }
`;

// The last statement the library ran, for the bench's PROFILE of the peer's Cypher (GET /_cypher).
let last = null;
function recording(driver) {
  const wrapTx = (tx) =>
    new Proxy(tx, {
      get(target, prop) {
        if (prop === "run") {
          return (query, params) => {
            last = { query, params };
            return target.run(query, params);
          };
        }
        const value = target[prop];
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const wrapSession = (session) =>
    new Proxy(session, {
      get(target, prop) {
        if (prop === "executeRead" || prop === "executeWrite") {
          return (work, config) => target[prop]((tx) => work(wrapTx(tx)), config);
        }
        const value = target[prop];
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(driver, {
    get(target, prop) {
      if (prop === "session") return (config) => wrapSession(target.session(config));
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// Strings with `from` renamed to `to` (a write's event ids, so it is profiled as new).
function renamed(value, from, to) {
  if (typeof value === "string") return value.replace(from, to);
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to));
  if (value && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, to)]));
  }
  return value;
}

// PROFILE of the last statement in a transaction that is rolled back.
async function profile(driver, from, to) {
  if (!last) return { error: "no statement yet" };
  const query = last.query.replace(/^CYPHER 5\n/, "CYPHER 5 PROFILE ");
  const params = from ? renamed(last.params, from, to) : last.params;
  const session = driver.session({ database: "neo4j" });
  const tx = session.beginTransaction();
  try {
    const result = await tx.run(query, params);
    const hits = (plan) =>
      (plan.dbHits || 0) + (plan.children || []).reduce((n, c) => n + hits(c), 0);
    return { cypher: last.query, dbHits: hits(result.summary.profile) };
  } finally {
    await tx.rollback();
    await session.close();
  }
}

async function main() {
  const port = Number(process.env.PEER_PORT || 58004);
  const secret = process.env.BENCH_JWT_SECRET;
  if (!secret) throw new Error("BENCH_JWT_SECRET is required");
  const driver = neo4j.driver(
    process.env.NEO4J_URI,
    neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD),
  );
  const schema = await new Neo4jGraphQL({
    typeDefs,
    driver: recording(driver),
    features: { authorization: { key: secret } },
  }).getSchema();
  const server = new ApolloServer({ schema, introspection: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async ({ req }) => ({ token: req.headers.authorization }),
  });
  // A side port for the bench's questions about the last statement.
  http
    .createServer(async (req, res) => {
      const q = new URL(req.url, "http://x").searchParams;
      const body = JSON.stringify(await profile(driver, q.get("from"), q.get("to")));
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    })
    .listen(Number(process.env.PEER_SIDE_PORT || port + 100), "127.0.0.1");
  console.log(`peer ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
