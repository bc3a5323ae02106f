// The umbrella header: everything an application uses.
#pragma once

#include "quarry/bytes.hpp"
#include "quarry/config.hpp"
#include "quarry/connection.hpp"
#include "quarry/database.hpp"
#include "quarry/datetime.hpp"
#include "quarry/decimal.hpp"
#include "quarry/dialect.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"
#include "quarry/json.hpp"
#include "quarry/pool.hpp"
#include "quarry/query_log.hpp"
#include "quarry/result_set.hpp"
#include "quarry/uuid.hpp"
#include "quarry/value.hpp"
#include "quarry/version.hpp"
