// The peer: the Neo4j GraphQL Library on Apollo Server over the bench database.
// Only our type definitions and glue live here; npm installs the library (package-lock.json).
//
// Its @authorization rules mirror hub/auth/policy.py for the types the workloads read: a type is
// readable by the roles of TYPE_READERS, and a token's `rows` claim (minted by bench/tokens.py)
// says which row rule applies: "all", "district" (BY_DISTRICT with the `district` claim) or
// "enterprise" (BY_ENTERPRISE with the `enterprise` claim). Each jwt `where` holds one condition.
import http from "node:http";
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

// TYPE_READERS of hub/auth/policy.py for the types below.
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
  type JWT @jwt { role: String, rows: String, district: String, enterprise: String }

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

async function profile(driver) {
  if (!last) return { error: "no statement yet" };
  const query = last.query.replace(/^CYPHER 5\n/, "CYPHER 5 PROFILE ");
  const session = driver.session({ database: "neo4j", defaultAccessMode: neo4j.session.READ });
  try {
    const result = await session.run(query, last.params);
    const hits = (plan) =>
      (plan.dbHits || 0) + (plan.children || []).reduce((n, c) => n + hits(c), 0);
    return { cypher: last.query, dbHits: hits(result.summary.profile) };
  } finally {
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
      const body = JSON.stringify(await profile(driver));
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    })
    .listen(port + 100, "127.0.0.1");
  console.log(`peer ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
