/// The OpenAPI 3 description of `ner serve`'s HTTP API that `GET /openapi.json` serves:
/// docs/openapi.yaml as JSON. Edit the YAML, then run
/// `NER_UPDATE_OPENAPI=1 swift test --disable-swift-testing --filter NERServerTests.OpenAPITests`, which rewrites this file
/// from it; otherwise that test fails while the two differ.
enum OpenAPIDocument {
    static let json = ##"""
{
  "components" : {
    "headers" : {
      "Close" : {
        "description" : "The server closes the connection after this answer.",
        "schema" : {
          "enum" : [
            "close"
          ],
          "type" : "string"
        }
      },
      "RetryAfter" : {
        "description" : "Seconds to wait before trying again.",
        "schema" : {
          "type" : "integer"
        }
      }
    },
    "responses" : {
      "BadRequest" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "Malformed JSON (with the byte where it breaks), a missing, repeated, unknown or mistyped field (named), an unknown query parameter or tag scheme, invalid UTF-8 (with its byte offset), or a request that is not valid HTTP/1.1."
      },
      "ContentTooLarge" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The body is larger than `--max-body-bytes`.",
        "headers" : {
          "Connection" : {
            "$ref" : "#/components/headers/Close"
          }
        }
      },
      "GatewayTimeout" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The request was not answered within `--timeout` seconds of its arrival."
      },
      "HeadersTooLarge" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The request head is larger than `--max-header-bytes` or has more than `--max-headers` fields.",
        "headers" : {
          "Connection" : {
            "$ref" : "#/components/headers/Close"
          }
        }
      },
      "InternalError" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "An unexpected failure; the server goes on."
      },
      "MethodNotAllowed" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The path is served, but not for this method (on any path, for a method it does not list).",
        "headers" : {
          "Allow" : {
            "description" : "The methods the path takes.",
            "schema" : {
              "type" : "string"
            }
          }
        }
      },
      "NotFound" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "No such path (on any path the server does not serve)."
      },
      "RequestTimeout" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The request's head did not arrive within `--header-timeout` seconds of the connection's start (a later request's: of its first byte), or its body within `--body-timeout` seconds of its head. A connection that sends nothing at all is closed then, without an answer.",
        "headers" : {
          "Connection" : {
            "$ref" : "#/components/headers/Close"
          }
        }
      },
      "TooManyConnections" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "This client address has `--max-connections-per-client` connections open already.",
        "headers" : {
          "Connection" : {
            "$ref" : "#/components/headers/Close"
          },
          "Retry-After" : {
            "$ref" : "#/components/headers/RetryAfter"
          }
        }
      },
      "Unauthorized" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "With `--api-keys`, the request has no `Authorization: Bearer KEY` header or its key is not accepted.",
        "headers" : {
          "WWW-Authenticate" : {
            "schema" : {
              "enum" : [
                "Bearer"
              ],
              "type" : "string"
            }
          }
        }
      },
      "Unavailable" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "The model is still loading, the server is shutting down, or `--max-queue` requests are already waiting.",
        "headers" : {
          "Retry-After" : {
            "$ref" : "#/components/headers/RetryAfter"
          }
        }
      },
      "UnsupportedMediaType" : {
        "content" : {
          "application/json" : {
            "schema" : {
              "$ref" : "#/components/schemas/Error"
            }
          }
        },
        "description" : "A content type other than JSON or text/plain, or a charset other than UTF-8."
      }
    },
    "schemas" : {
      "Entity" : {
        "additionalProperties" : false,
        "description" : "An entity, as `ner tag --format json` writes it: offsets in Unicode code points from the start of the text, token indices across the whole text (end exclusive).",
        "properties" : {
          "end" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "id" : {
            "description" : "The pattern rule's id, for an entity a rule found.",
            "type" : "string"
          },
          "label" : {
            "type" : "string"
          },
          "score" : {
            "description" : "The model's probability of the entity.",
            "maximum" : 1,
            "minimum" : 0,
            "type" : "number"
          },
          "source" : {
            "description" : "With `--patterns` only.",
            "enum" : [
              "model",
              "pattern"
            ],
            "type" : "string"
          },
          "start" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "text" : {
            "type" : "string"
          },
          "token_end" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "token_start" : {
            "minimum" : 0,
            "type" : "integer"
          }
        },
        "required" : [
          "label",
          "text",
          "start",
          "end",
          "token_start",
          "token_end",
          "score"
        ],
        "type" : "object"
      },
      "Error" : {
        "additionalProperties" : false,
        "properties" : {
          "error" : {
            "description" : "What was wrong, in words.",
            "type" : "string"
          }
        },
        "required" : [
          "error"
        ],
        "type" : "object"
      },
      "ModelInfo" : {
        "additionalProperties" : false,
        "properties" : {
          "config" : {
            "description" : "The model's configuration (sizes and inputs), with snake_case keys.",
            "type" : "object"
          },
          "labels" : {
            "description" : "The entity types the model finds.",
            "items" : {
              "type" : "string"
            },
            "type" : "array"
          },
          "path" : {
            "type" : "string"
          },
          "patterns" : {
            "description" : "With `--patterns` only, as last loaded (SIGHUP reloads them).",
            "properties" : {
              "count" : {
                "type" : "integer"
              },
              "files" : {
                "items" : {
                  "properties" : {
                    "path" : {
                      "type" : "string"
                    },
                    "patterns" : {
                      "type" : "integer"
                    }
                  },
                  "required" : [
                    "path",
                    "patterns"
                  ],
                  "type" : "object"
                },
                "type" : "array"
              },
              "labels" : {
                "items" : {
                  "type" : "string"
                },
                "type" : "array"
              },
              "mode" : {
                "type" : "string"
              }
            },
            "required" : [
              "mode",
              "count",
              "labels",
              "files"
            ],
            "type" : "object"
          },
          "provenance" : {
            "description" : "From the model file: the training and dev files with their checksums, epochs, dev F1, the ner version and date that made it.",
            "type" : "object"
          },
          "tag_scheme" : {
            "$ref" : "#/components/schemas/TagScheme"
          },
          "tags" : {
            "description" : "The model's own tags (BIOES).",
            "items" : {
              "type" : "string"
            },
            "type" : "array"
          }
        },
        "required" : [
          "labels",
          "tag_scheme",
          "tags",
          "path",
          "config",
          "provenance"
        ],
        "type" : "object"
      },
      "Sentence" : {
        "additionalProperties" : false,
        "properties" : {
          "end" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "start" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "token_end" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "token_start" : {
            "minimum" : 0,
            "type" : "integer"
          }
        },
        "required" : [
          "start",
          "end",
          "token_start",
          "token_end"
        ],
        "type" : "object"
      },
      "TagScheme" : {
        "enum" : [
          "iob1",
          "iob2",
          "bioes"
        ],
        "type" : "string"
      },
      "TextID" : {
        "description" : "An id the client gives a text, echoed back with its result as it came.",
        "oneOf" : [
          {
            "type" : "string"
          },
          {
            "type" : "integer"
          }
        ]
      },
      "TextRequest" : {
        "additionalProperties" : false,
        "properties" : {
          "id" : {
            "$ref" : "#/components/schemas/TextID"
          },
          "scheme" : {
            "$ref" : "#/components/schemas/TagScheme"
          },
          "text" : {
            "type" : "string"
          },
          "tokens" : {
            "description" : "List every token with its tag, and the sentences' spans.",
            "type" : "boolean"
          }
        },
        "required" : [
          "text"
        ],
        "type" : "object"
      },
      "TextResult" : {
        "additionalProperties" : false,
        "properties" : {
          "entities" : {
            "items" : {
              "$ref" : "#/components/schemas/Entity"
            },
            "type" : "array"
          },
          "id" : {
            "$ref" : "#/components/schemas/TextID"
          },
          "sentences" : {
            "description" : "With `tokens` only.",
            "items" : {
              "$ref" : "#/components/schemas/Sentence"
            },
            "type" : "array"
          },
          "tokens" : {
            "description" : "With `tokens` only.",
            "items" : {
              "$ref" : "#/components/schemas/Token"
            },
            "type" : "array"
          }
        },
        "required" : [
          "entities"
        ],
        "type" : "object"
      },
      "TextsRequest" : {
        "additionalProperties" : false,
        "properties" : {
          "ids" : {
            "description" : "As many as `texts`.",
            "items" : {
              "$ref" : "#/components/schemas/TextID"
            },
            "type" : "array"
          },
          "scheme" : {
            "$ref" : "#/components/schemas/TagScheme"
          },
          "texts" : {
            "items" : {
              "type" : "string"
            },
            "type" : "array"
          },
          "tokens" : {
            "type" : "boolean"
          }
        },
        "required" : [
          "texts"
        ],
        "type" : "object"
      },
      "TextsResult" : {
        "additionalProperties" : false,
        "properties" : {
          "results" : {
            "items" : {
              "$ref" : "#/components/schemas/TextResult"
            },
            "type" : "array"
          }
        },
        "required" : [
          "results"
        ],
        "type" : "object"
      },
      "Token" : {
        "additionalProperties" : false,
        "properties" : {
          "end" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "start" : {
            "minimum" : 0,
            "type" : "integer"
          },
          "tag" : {
            "type" : "string"
          },
          "text" : {
            "type" : "string"
          }
        },
        "required" : [
          "text",
          "start",
          "end",
          "tag"
        ],
        "type" : "object"
      }
    },
    "securitySchemes" : {
      "bearerKey" : {
        "description" : "One of the keys of `ner serve --api-keys FILE`; without that option no key is needed.",
        "scheme" : "bearer",
        "type" : "http"
      }
    }
  },
  "info" : {
    "description" : "Named-entity tagging over HTTP/1.1: JSON (or plain text) in, entities out. Every error is a JSON body `{\"error\": \"...\"}` with its status, on every path: besides the answers listed for each operation, an unknown path is 404 (`components/responses/NotFound`), a known path with another method 405 with an `Allow` header (`MethodNotAllowed`), a request that is not valid HTTP/1.1 400 (`BadRequest`), and an unexpected failure 500. HEAD works wherever GET does. Limits on connections answer any request: 408 when a request's head or body does not arrive in time (`--header-timeout`, `--body-timeout`), 413 for a body over `--max-body-bytes` (by its Content-Length before it is read, or, sent in chunks, as soon as it passes the limit), 429 for a connection beyond `--max-connections-per-client` from one address, 431 for a head over `--max-header-bytes` or `--max-headers`; after these four the server closes the connection. With `--api-keys` every path but /health and /ready (and /metrics with `--metrics-public`) needs the header `Authorization: Bearer KEY`, else 401.",
    "license" : {
      "name" : "CC0-1.0",
      "url" : "https://creativecommons.org/publicdomain/zero/1.0/"
    },
    "title" : "ner serve",
    "version" : "0.1.0"
  },
  "openapi" : "3.0.3",
  "paths" : {
    "/health" : {
      "get" : {
        "operationId" : "health",
        "responses" : {
          "200" : {
            "content" : {
              "application/json" : {
                "schema" : {
                  "additionalProperties" : false,
                  "properties" : {
                    "status" : {
                      "enum" : [
                        "ok"
                      ],
                      "type" : "string"
                    }
                  },
                  "required" : [
                    "status"
                  ],
                  "type" : "object"
                }
              }
            },
            "description" : "Always, while the process runs."
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          }
        },
        "security" : [

        ],
        "summary" : "Whether the process runs"
      }
    },
    "/metrics" : {
      "get" : {
        "description" : "Requests by path and status, the latency histogram, tokens and texts tagged, batch sizes, the queue depth and errors by kind, in Prometheus' text format. Without a key when the server runs with `--metrics-public`.",
        "operationId" : "metrics",
        "responses" : {
          "200" : {
            "content" : {
              "text/plain" : {
                "schema" : {
                  "type" : "string"
                }
              }
            },
            "description" : "The metrics."
          },
          "401" : {
            "$ref" : "#/components/responses/Unauthorized"
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          }
        },
        "summary" : "Prometheus metrics"
      }
    },
    "/openapi.json" : {
      "get" : {
        "operationId" : "openapi",
        "responses" : {
          "200" : {
            "content" : {
              "application/json" : {
                "schema" : {
                  "properties" : {
                    "info" : {
                      "type" : "object"
                    },
                    "openapi" : {
                      "type" : "string"
                    },
                    "paths" : {
                      "type" : "object"
                    }
                  },
                  "required" : [
                    "openapi",
                    "info",
                    "paths"
                  ],
                  "type" : "object"
                }
              }
            },
            "description" : "The OpenAPI document."
          },
          "401" : {
            "$ref" : "#/components/responses/Unauthorized"
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          }
        },
        "summary" : "This description, as JSON"
      }
    },
    "/ready" : {
      "get" : {
        "operationId" : "ready",
        "responses" : {
          "200" : {
            "content" : {
              "application/json" : {
                "schema" : {
                  "additionalProperties" : false,
                  "properties" : {
                    "status" : {
                      "enum" : [
                        "ready"
                      ],
                      "type" : "string"
                    }
                  },
                  "required" : [
                    "status"
                  ],
                  "type" : "object"
                }
              }
            },
            "description" : "The model is loaded."
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          },
          "503" : {
            "$ref" : "#/components/responses/Unavailable"
          }
        },
        "security" : [

        ],
        "summary" : "Whether the model is loaded and requests are taken"
      }
    },
    "/v1/model" : {
      "get" : {
        "operationId" : "model",
        "responses" : {
          "200" : {
            "content" : {
              "application/json" : {
                "schema" : {
                  "$ref" : "#/components/schemas/ModelInfo"
                }
              }
            },
            "description" : "The model's labels, tag scheme, configuration and provenance."
          },
          "401" : {
            "$ref" : "#/components/responses/Unauthorized"
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          },
          "500" : {
            "$ref" : "#/components/responses/InternalError"
          },
          "503" : {
            "$ref" : "#/components/responses/Unavailable"
          }
        },
        "summary" : "The loaded model"
      }
    },
    "/v1/tag" : {
      "post" : {
        "description" : "Each text is split into sentences and tokens as `ner tag` splits it. A body with `\"text\"` is answered with one result; with `\"texts\"`, with `{\"results\": [...]}` in their order. A `text/plain` body is one text; a body without a Content-Type, or curl's default for `-d` (`application/x-www-form-urlencoded`), is read as JSON, and so is any `application/*+json`. Unknown fields are refused (400), not ignored. The query parameters set the options the body does not.",
        "operationId" : "tag",
        "parameters" : [
          {
            "description" : "List every token with its tag, and the sentences' spans (also `1` or `0`).",
            "in" : "query",
            "name" : "tokens",
            "required" : false,
            "schema" : {
              "type" : "boolean"
            }
          },
          {
            "description" : "The scheme of the tokens' tags (default the model's).",
            "in" : "query",
            "name" : "scheme",
            "required" : false,
            "schema" : {
              "$ref" : "#/components/schemas/TagScheme"
            }
          }
        ],
        "requestBody" : {
          "content" : {
            "application/json" : {
              "examples" : {
                "one" : {
                  "value" : {
                    "id" : "a",
                    "text" : "Teddy Roosevelt was a great President."
                  }
                },
                "several" : {
                  "value" : {
                    "ids" : [
                      1,
                      2
                    ],
                    "texts" : [
                      "Angela Merkel met Emmanuel Macron.",
                      "No names here."
                    ],
                    "tokens" : true
                  }
                }
              },
              "schema" : {
                "oneOf" : [
                  {
                    "$ref" : "#/components/schemas/TextRequest"
                  },
                  {
                    "$ref" : "#/components/schemas/TextsRequest"
                  }
                ]
              }
            },
            "text/plain" : {
              "schema" : {
                "description" : "The text itself (UTF-8).",
                "type" : "string"
              }
            }
          },
          "required" : true
        },
        "responses" : {
          "200" : {
            "content" : {
              "application/json" : {
                "schema" : {
                  "oneOf" : [
                    {
                      "$ref" : "#/components/schemas/TextResult"
                    },
                    {
                      "$ref" : "#/components/schemas/TextsResult"
                    }
                  ]
                }
              }
            },
            "description" : "The entities of each text."
          },
          "400" : {
            "$ref" : "#/components/responses/BadRequest"
          },
          "401" : {
            "$ref" : "#/components/responses/Unauthorized"
          },
          "408" : {
            "$ref" : "#/components/responses/RequestTimeout"
          },
          "413" : {
            "$ref" : "#/components/responses/ContentTooLarge"
          },
          "415" : {
            "$ref" : "#/components/responses/UnsupportedMediaType"
          },
          "429" : {
            "$ref" : "#/components/responses/TooManyConnections"
          },
          "431" : {
            "$ref" : "#/components/responses/HeadersTooLarge"
          },
          "500" : {
            "$ref" : "#/components/responses/InternalError"
          },
          "503" : {
            "$ref" : "#/components/responses/Unavailable"
          },
          "504" : {
            "$ref" : "#/components/responses/GatewayTimeout"
          }
        },
        "summary" : "Tag one text or several"
      }
    }
  },
  "security" : [
    {

    },
    {
      "bearerKey" : [

      ]
    }
  ],
  "servers" : [
    {
      "description" : "`ner serve` with its defaults",
      "url" : "http://127.0.0.1:8080"
    }
  ]
}
"""##
}
